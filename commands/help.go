package commands

import (
	"context"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// help lists every command with its Danish name, the commands of the
// adapter, the activities and the forvaltninger; or explains one command.
func (d *Dispatcher) help(_ context.Context, in Input) (Reply, error) {
	if len(in.Args) == 0 {
		r := Reply{Title: catalog.HelpTitle.In(in.Lang), Lines: []string{catalog.HelpMore.In(in.Lang), catalog.GuidesPointerHelp.In(in.Lang)}}
		r.Sections = append(r.Sections, Section{Title: catalog.HelpCommands.In(in.Lang), Lines: helpLines(in.Lang, d.cmds, "")})
		if len(d.cfg.Local) > 0 {
			r.Sections = append(r.Sections, Section{Title: catalog.HelpLocal.In(in.Lang), Lines: helpLines(in.Lang, d.cfg.Local, "")})
		}
		acts := Section{Title: catalog.HelpActivities.In(in.Lang)}
		for _, a := range d.cfg.Template.Activities {
			line := a.Word(in.Lang) + " – " + a.Title(in.Lang) + " – " + string(a.Responsible)
			if also := otherWords(in.Lang, a); len(also) > 0 {
				line += " " + catalog.HelpAlso.In(in.Lang, strings.Join(also, ", "))
			}
			acts.Lines = append(acts.Lines, line)
		}
		r.Sections = append(r.Sections, acts, Section{Title: catalog.HelpFVs.In(in.Lang), Lines: []string{strings.Join(d.cfg.Forvaltninger, ", ")}})
		return r, nil
	}
	cmd, _ := d.resolve(in.Args)
	if cmd == nil {
		cmd = lookup(d.cfg.Local, in.Args[0])
	}
	if cmd == nil {
		return Reply{}, refuse(catalog.UnknownCommand, typed(in.Args[0]))
	}
	r := Reply{Title: cmd.fullName()}
	for _, c := range leaves([]*Command{cmd}) {
		r.Lines = append(r.Lines, c.Usage(in.Lang), "  "+c.Summary.In(in.Lang), "  "+catalog.HelpWho.In(in.Lang, c.Perm.who().In(in.Lang)))
		if len(c.Aliases) > 0 {
			r.Lines = append(r.Lines, "  "+catalog.HelpAliases.In(in.Lang, strings.Join(c.Aliases, ", ")))
		}
		if c.takes(catalog.ArgActivity) {
			r.Lines = append(r.Lines, "  "+catalog.HelpActivityKeys.In(in.Lang, strings.Join(d.activityWords(in.Lang), ", ")))
		}
		if c.takes(catalog.ArgRef) || c.takes(catalog.ArgWaveRef) || c.takes(catalog.ArgFV) || c.takes(catalog.ArgFVs) || c.takes(catalog.ArgFVOrRef) {
			r.Lines = append(r.Lines, "  "+catalog.HelpFVCodes.In(in.Lang, strings.Join(d.cfg.Forvaltninger, ", ")))
		}
	}
	return r, nil
}

// takes reports whether the command has an argument named name.
func (c *Command) takes(name catalog.Message) bool {
	return slices.ContainsFunc(c.Args, func(a Arg) bool { return a.Name == name })
}

// activityWords are the activities as a reader of lang names them.
func (d *Dispatcher) activityWords(lang string) []string {
	var words []string
	for _, a := range d.cfg.Template.Activities {
		words = append(words, a.Word(lang))
	}
	return words
}

// otherWords are the names activity a also answers to in a reader of
// lang's eyes: the Danish names besides the one shown; in English, the
// Danish names too, as the key is shown.
func otherWords(lang string, a wave.ActivitySpec) []string {
	var out []string
	if lang == catalog.English && a.KeyDA != "" && a.KeyDA != a.Key {
		out = append(out, a.KeyDA)
	}
	return append(out, a.Aliases...)
}

// helpLines lists the runnable commands under cmds, one line each: the
// usage, what it does, and the Danish words that run it too ("også: bølge
// opret"). danish is the parent's Danish name.
func helpLines(lang string, cmds []*Command, danish string) []string {
	var lines []string
	for _, c := range cmds {
		own := c.Name
		if len(c.Aliases) > 0 {
			own = c.Aliases[0]
		}
		if c.Run != nil || len(c.Sub) == 0 {
			line := c.Usage(lang) + " — " + c.Summary.In(lang)
			if also := otherNames(c, danish); len(also) > 0 {
				line += " " + catalog.HelpAlso.In(lang, strings.Join(also, ", "))
			}
			lines = append(lines, line)
		}
		lines = append(lines, helpLines(lang, c.Sub, strings.TrimSpace(danish+" "+own))...)
	}
	return lines
}

// otherNames are the other full names of c, under its parent's Danish name,
// leaving out the spellings without æ, ø and å of a name that has them.
func otherNames(c *Command, parent string) []string {
	var out []string
	for _, a := range c.Aliases {
		if slices.ContainsFunc(c.Aliases, func(b string) bool { return b != a && slices.Contains(withoutDanishLetters(b), a) }) {
			continue
		}
		out = append(out, strings.TrimSpace(parent+" "+a))
	}
	if len(out) == 0 && parent != "" && strings.TrimSpace(parent+" "+c.Name) != c.fullName() {
		out = append(out, parent+" "+c.Name)
	}
	return out
}

// withoutDanishLetters spells s as people do on a keyboard without æ, ø
// and å: "færdig" as "faerdig", "påmind" as "paamind", "bølge" as "bolge"
// or "boelge".
func withoutDanishLetters(s string) []string {
	return []string{
		strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa").Replace(s),
		strings.NewReplacer("æ", "ae", "ø", "o", "å", "aa").Replace(s),
	}
}
