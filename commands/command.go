package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wavebot/catalog"
	"wavebot/wave"
)

// Input is what a handler gets: who is asking, the words after the command
// name, and the time of the request.
type Input struct {
	Me   wave.Person
	Args []string
	Now  time.Time
	// Lang is the language to answer in.
	Lang string
	// line is the argument text as typed, for notes and names (restAfter).
	line string
}

// restAfter returns the original text after the first n arguments, with
// its spacing kept.
func (in Input) restAfter(n int) string {
	s := in.line
	for range n {
		s = strings.TrimLeft(s, " \t")
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return ""
		}
		s = s[i:]
	}
	return strings.TrimSpace(s)
}

// Handler runs one command.
type Handler func(ctx context.Context, in Input) (Reply, error)

// Command declares one command once, as data: its name and Danish aliases,
// its usage, what it does, who may run it, and its handler or subcommands.
// Help is generated from these values.
type Command struct {
	Name    string
	Aliases []string
	Usage   string
	Summary catalog.Message
	Perm    Permission
	Run     Handler
	Sub     []*Command
	// path is the full name, "auth ok"; New sets it.
	path string
}

// setPaths names every command by its path from the top.
func setPaths(cmds []*Command, parent string) {
	for _, c := range cmds {
		c.path = strings.TrimSpace(parent + " " + c.Name)
		setPaths(c.Sub, c.path)
	}
}

func (c *Command) names() []string { return append([]string{c.Name}, c.Aliases...) }

// lookup finds a command by name or alias, case-insensitively.
func lookup(cmds []*Command, word string) *Command {
	for _, c := range cmds {
		for _, n := range c.names() {
			if strings.EqualFold(n, word) {
				return c
			}
		}
	}
	return nil
}

// checkNames fails when two commands at one level share a name or alias.
func checkNames(cmds []*Command, where string) error {
	seen := map[string]string{}
	for _, c := range cmds {
		if (c.Run == nil) == (len(c.Sub) == 0) {
			return fmt.Errorf("command %s%s needs either a handler or subcommands", where, c.Name)
		}
		for _, n := range c.names() {
			n = strings.ToLower(n)
			if other, ok := seen[n]; ok {
				return fmt.Errorf("command name %q of %s%s is already used by %s%s", n, where, c.Name, where, other)
			}
			seen[n] = c.Name
		}
		if err := checkNames(c.Sub, where+c.Name+" "); err != nil {
			return err
		}
	}
	return nil
}

// leaves lists the runnable commands under cmds, depth first.
func leaves(cmds []*Command) []*Command {
	var out []*Command
	for _, c := range cmds {
		if c.Run != nil {
			out = append(out, c)
		}
		out = append(out, leaves(c.Sub)...)
	}
	return out
}

// Permission is who may run a command. The forvaltning-dependent kinds are
// checked by the handler once it knows the forvaltning.
type Permission int

// Permissions, as in the command table of the design.
const (
	Anyone Permission = iota
	AdminOnly
	KSOnly
	AdminOrContact
	KSOrContact
	ContactOnly
	ResponsibleSide
)

// who names the people a permission admits, for help and refusals.
func (p Permission) who() catalog.Message {
	switch p {
	case AdminOnly:
		return catalog.PermAdmin
	case KSOnly:
		return catalog.PermKS
	case AdminOrContact:
		return catalog.PermAdminOrContact
	case KSOrContact:
		return catalog.PermKSOrContact
	case ContactOnly:
		return catalog.PermContact
	case ResponsibleSide:
		return catalog.PermResponsible
	}
	return catalog.PermAnyone
}

// allows reports whether person p may run a command of this permission for
// forvaltning fv.
func (p Permission) allows(me wave.Person, fv string) bool {
	switch p {
	case AdminOnly:
		return me.Role == wave.RoleAdmin
	case KSOnly:
		return me.IsKS()
	case AdminOrContact:
		return me.Role == wave.RoleAdmin || me.IsContactOf(fv)
	case KSOrContact:
		return me.IsKS() || me.IsContactOf(fv)
	case ContactOnly:
		return me.IsContactOf(fv)
	}
	return true
}
