package backup

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"wavebot/wave"
)

// maxProblems bounds how many problems a refused import names.
const maxProblems = 20

// ErrInvalid is Import's refusal of a document that would not load
// whole, or would load as something wavebot cannot work with. The error
// names each problem.
var ErrInvalid = errors.New("the document cannot be imported")

// check finds what would keep d from loading whole and working: an id
// twice (the second would overwrite the first on one store and be
// refused half way on another), an id the command language cannot name
// (a wave id with "/" breaks every reference and link of the wave), a
// role wavebot does not know. It runs before anything is written, so
// every store gives the same verdict and a refused document changes
// nothing.
func (d Document) check() error {
	var c checker
	for _, w := range d.Waves {
		c.wave("wave", w.ID)
		c.once("wave", w.ID)
		if w.Lead != "" {
			c.person("lead of wave "+w.ID, w.Lead)
		}
		fvs := map[string]bool{}
		for _, e := range w.Enrolments {
			c.fv("enrolment of wave "+w.ID, e.FV)
			if fvs[e.FV] {
				c.add("wave %s enrols %s twice", w.ID, e.FV)
			}
			fvs[e.FV] = true
			for _, p := range e.Contacts {
				c.person("contact of "+w.ID+"/"+e.FV, p)
			}
		}
	}
	for _, p := range d.People {
		c.person("person", p.ID)
		c.once("person", p.ID)
		if r, ok := wave.ParseRole(string(p.Role)); !ok || r != p.Role {
			c.add("person %s has role %q: the roles are admin, ks, contact and viewer", p.ID, p.Role)
		}
		for _, l := range p.Links {
			c.person("identity linked to "+p.ID, l)
		}
		if p.LinkedTo != "" {
			c.person("person "+p.ID+" is linked to", p.LinkedTo)
		}
	}
	for _, w := range d.Workflows {
		c.fv("workflow track", w.FV)
		c.once("workflow track", w.FV)
	}
	for _, l := range d.AuthLists {
		c.wave("authorization list", l.Wave)
		c.fv("authorization list of wave "+l.Wave, l.FV)
		c.once("authorization list", l.Wave+"/"+l.FV)
	}
	for _, t := range d.Templates {
		c.fv("authorization template", t.FV)
		c.once("authorization template", t.FV)
	}
	if d.FirstPerson != "" {
		c.person("first person", d.FirstPerson)
	}
	for _, l := range d.Audit {
		if l.Wave != "" {
			c.wave("audit log", l.Wave)
		}
		c.once("audit log", cmp.Or(l.Wave, "of people and workflow tracks"))
	}
	for _, r := range d.Ledger {
		if r.Key == "" {
			c.add("a reminder in the ledger has no key")
			continue
		}
		c.once("reminder in the ledger", r.Key)
	}
	return c.err()
}

// checker collects a document's problems.
type checker struct {
	problems []string
	seen     map[string]bool
}

func (c *checker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// once notes that kind id is in the document, and a problem the second
// time.
func (c *checker) once(kind, id string) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[kind+"\x00"+id] {
		c.add("%s %q is in the document twice", kind, id)
	}
	c.seen[kind+"\x00"+id] = true
}

func (c *checker) wave(what, id string) {
	if !wave.ValidID(id) {
		c.add("%s %q: a wave id is lower-case letters, digits, '-' and '_', at most 32", what, id)
	}
}

func (c *checker) fv(what, code string) {
	if !wave.ValidFV(code) {
		c.add("%s %q: a forvaltning code is capital letters and digits, at most 10", what, code)
	}
}

func (c *checker) person(what, id string) {
	if !wave.ValidPersonID(id) {
		c.add("%s %q: a person id is slack:U…, teams:… or a lower-case name", what, id)
	}
}

// err is ErrInvalid naming the problems, or nil when there are none.
func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	shown := c.problems[:min(len(c.problems), maxProblems)]
	more := ""
	if n := len(c.problems) - len(shown); n > 0 {
		more = fmt.Sprintf("\n(and %d more)", n)
	}
	return fmt.Errorf("%w:\n%s%s", ErrInvalid, strings.Join(shown, "\n"), more)
}
