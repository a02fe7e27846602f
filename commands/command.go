package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"wavebot/internal/catalog"
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
	// Channel is where the command was typed, when that is a channel.
	Channel *Channel
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
// its arguments, what it does, who may run it, and its handler or
// subcommands. Help and usage lines are generated from these values.
type Command struct {
	Name    string
	Aliases []string
	// Args are the command's arguments in order. The usage line is made
	// from them, and the dispatcher refuses too few or too many before the
	// handler runs, naming the missing argument or what is left over.
	Args    []Arg
	Summary catalog.Message
	Perm    Permission
	// PureRead marks a command that changes nothing and admits nothing
	// (help, status, overview): it may be answered from a replica's
	// read cache (storage.PureRead), which can trail another replica's
	// change by a moment. Every other command, and the person running
	// it, is read from what the store holds.
	PureRead bool
	Run      Handler
	Sub      []*Command
	// path is the full name, "auth ok"; New sets it.
	path string
}

// Arg is one argument of a command, named by its placeholder (ID/FV,
// AKTIVITET).
type Arg struct {
	Name catalog.Message
	// Optional arguments may be left out; they come last.
	Optional bool
	// Rest takes every word that follows: a note, a name, a list.
	Rest bool
}

// Usage is the command's usage line in lang: "done ID/FV AKTIVITET [NOTE …]".
func (c *Command) Usage(lang string) string {
	parts := []string{c.fullName()}
	for _, a := range c.Args {
		name := a.Name.In(lang)
		if a.Optional {
			name = "[" + name + "]"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, " ")
}

// fullName is the path from the top, or the name of a command declared
// outside the dispatcher's table.
func (c *Command) fullName() string {
	if c.path != "" {
		return c.path
	}
	return c.Name
}

// checkArgs refuses too few arguments, naming the first missing one, and
// too many, quoting what is left over.
func (c *Command) checkArgs(args []string) error {
	required, most := 0, len(c.Args)
	for _, a := range c.Args {
		if !a.Optional {
			required++
		}
		if a.Rest {
			most = -1
		}
	}
	if len(args) < required {
		return refuse(catalog.MissingArg, argName(c.Args[len(args)].Name))
	}
	if most >= 0 && len(args) > most {
		return refuse(catalog.TooManyArgs, typed(strings.Join(args[most:], " ")))
	}
	return nil
}

// argName is an argument's placeholder without the ellipsis of a list,
// for naming it in a sentence: "NOTE …" is missing as NOTE.
type argName catalog.Message

// Named reports whether word is the command's name or one of its aliases,
// case-insensitively.
func (c *Command) Named(word string) bool {
	return slices.ContainsFunc(c.names(), func(n string) bool { return strings.EqualFold(n, word) })
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
		if c.Named(word) {
			return c
		}
	}
	return nil
}

// checkCommands fails when two commands at one level share a name or
// alias, or a command's arguments are declared out of order. Commands that
// run need a handler or subcommands; local ones (an adapter's own) neither.
func checkCommands(cmds []*Command, where string, local bool) error {
	seen := map[string]string{}
	for _, c := range cmds {
		switch {
		case local && (c.Run != nil || len(c.Sub) > 0):
			return fmt.Errorf("command %s%s is the adapter's own: it has no handler or subcommands here", where, c.Name)
		case !local && (c.Run == nil) == (len(c.Sub) == 0):
			return fmt.Errorf("command %s%s needs either a handler or subcommands", where, c.Name)
		}
		for i, a := range c.Args {
			last := i == len(c.Args)-1
			if (a.Rest && !last) || (i > 0 && c.Args[i-1].Optional && !a.Optional) {
				return fmt.Errorf("command %s%s: an optional argument or one taking the rest comes last", where, c.Name)
			}
		}
		for _, n := range c.names() {
			n = strings.ToLower(n)
			if other, ok := seen[n]; ok {
				return fmt.Errorf("command name %q of %s%s is already used by %s%s", n, where, c.Name, where, other)
			}
			seen[n] = c.Name
		}
		if err := checkCommands(c.Sub, where+c.Name+" ", local); err != nil {
			return err
		}
	}
	return nil
}

// leaves lists the runnable commands under cmds, depth first.
func leaves(cmds []*Command) []*Command {
	var out []*Command
	for _, c := range cmds {
		if c.Run != nil || len(c.Sub) == 0 {
			out = append(out, c)
		}
		out = append(out, leaves(c.Sub)...)
	}
	return out
}

// Permission is who may run a command. The forvaltning-dependent kinds are
// checked by the handler once it knows the forvaltning.
type Permission int

// Permissions, as the design's table "Who may do what" assigns them.
const (
	Anyone Permission = iota
	AdminOnly
	KSOnly
	KSOrContact
	ContactOnly
	ResponsibleSide
	// StepSide is who changes a KØR workflow step: KS any, a contact of
	// the enrolment the forvaltning's and the shared one.
	StepSide
	// PlanSide is who dates an activity: KS any, in its planning; a
	// contact of the enrolment the forvaltning's own.
	PlanSide
	// ReadOrFV is who reads (anyone) and changes (a contact of the
	// enrolment) the forvaltning's own record: its units.
	ReadOrFV
)

// who names the people a permission admits, for help, refusals and
// README's table.
func (p Permission) who() catalog.Message {
	switch p {
	case AdminOnly:
		return catalog.PermAdmin
	case KSOnly:
		return catalog.PermKS
	case KSOrContact:
		return catalog.PermKSOrContact
	case ContactOnly:
		return catalog.PermContact
	case ResponsibleSide:
		return catalog.PermResponsible
	case StepSide:
		return catalog.PermStepSide
	case PlanSide:
		return catalog.PermPlanSide
	case ReadOrFV:
		return catalog.PermReadOrFV
	}
	return catalog.PermAnyone
}

// allows reports whether me may run a command of this permission for
// enrolment e, nil when the command names none. Being a contact means
// being named in that enrolment and speaking for no other side: a KS
// person named there by data from before the rule speaks for KS only.
func (p Permission) allows(me wave.Person, e *wave.Enrolment) bool {
	switch p {
	case AdminOnly:
		return me.Role == wave.RoleAdmin
	case KSOnly:
		return me.IsKS()
	case KSOrContact:
		return me.IsKS() || speaksForFV(me, e)
	case ContactOnly:
		return speaksForFV(me, e)
	}
	return true
}

// speaksForFV reports whether me speaks for the forvaltning in enrolment
// e: a contact of it, and not KS staff.
func speaksForFV(me wave.Person, e *wave.Enrolment) bool {
	return e != nil && !me.IsKS() && e.HasContact(me.ID)
}
