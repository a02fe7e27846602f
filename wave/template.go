package wave

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed template.yaml
var defaultTemplate []byte

// ErrBadTemplate reports a template file that cannot drive a wave.
var ErrBadTemplate = errors.New("wave: bad template")

// Template is the plan every enrolment starts from: the activities of the
// source document with who is responsible and when each is due, the steps
// of the workflow track, and KS's user guides. It is data, so a deployment
// can change it.
type Template struct {
	Activities []ActivitySpec `yaml:"activities"`
	Workflow   []StepSpec     `yaml:"workflow"`
	Guides     []Guide        `yaml:"guides"`
	// Support is how to reach KS økonomisupport, which guides users in
	// the solutions; zero when the template does not say.
	Support Support `yaml:"support"`
}

// Support is how users reach KS økonomisupport: by phone, e-mail or a web
// page, at the hours it answers (in Danish and English).
type Support struct {
	Phone   string `yaml:"phone"`
	Email   string `yaml:"email"`
	URL     string `yaml:"url"`
	HoursDA string `yaml:"hours_da"`
	HoursEN string `yaml:"hours_en"`
}

// IsZero reports whether the template says nothing of the support.
func (s Support) IsZero() bool { return s == Support{} }

// Hours says when the support answers, in lang ("da" or "en").
func (s Support) Hours(lang string) string {
	if lang == "en" {
		return s.HoursEN
	}
	return s.HoursDA
}

// Guide is KS's user guide to one self-service solution, linked in the
// welcome a new contact gets.
type Guide struct {
	Solution string `yaml:"solution"`
	URL      string `yaml:"url"`
}

// ActivitySpec describes one activity of a wave.
type ActivitySpec struct {
	Key string `yaml:"key"`
	// KeyDA is the name Danish readers see and may type ("opstart"); the
	// key itself when empty or the same in both languages.
	KeyDA       string   `yaml:"key_da"`
	Aliases     []string `yaml:"aliases"`
	TitleDA     string   `yaml:"title_da"`
	TitleEN     string   `yaml:"title_en"`
	Responsible Party    `yaml:"responsible"`
	// Due is the default due date in business days from the wave's start.
	Due int `yaml:"due"`
}

// Title returns the title in lang ("da" or "en").
func (a ActivitySpec) Title(lang string) string {
	return Activity{TitleDA: a.TitleDA, TitleEN: a.TitleEN}.Title(lang)
}

// StepSpec describes one step of the workflow track.
type StepSpec struct {
	Key string `yaml:"key"`
	// KeyDA is the name Danish readers see and may type ("skabelon").
	KeyDA   string   `yaml:"key_da"`
	Aliases []string `yaml:"aliases"`
	TitleDA string   `yaml:"title_da"`
	TitleEN string   `yaml:"title_en"`
	Owner   Party    `yaml:"owner"`
	// After is the step that must be done before this one, where the
	// source fixes an order; empty for a step that may come at any time.
	After string `yaml:"after"`
}

// DefaultTemplate returns the embedded template of the source document.
func DefaultTemplate() Template {
	t, err := ParseTemplate(defaultTemplate)
	if err != nil {
		panic("wave: embedded template: " + err.Error())
	}
	return t
}

// ParseTemplate reads and validates a YAML template: at least one activity,
// due dates in the order of the activities, unique keys and aliases (an
// activity and a step never share a name: both name a reminder's subject),
// known parties, titles in both languages, guides with a solution and a
// web address, and a support entry people can reach.
func ParseTemplate(data []byte) (Template, error) {
	var t Template
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return Template{}, fmt.Errorf("%w: %v", ErrBadTemplate, err)
	}
	if len(t.Activities) == 0 {
		return Template{}, fmt.Errorf("%w: no activities", ErrBadTemplate)
	}
	names := map[string]bool{}
	for i, a := range t.Activities {
		if err := checkSpec(names, "activity", a.Key, a.names(), a.TitleDA, a.TitleEN, a.Responsible); err != nil {
			return Template{}, err
		}
		if i > 0 && a.Due < t.Activities[i-1].Due {
			return Template{}, fmt.Errorf("%w: activity %q is due before %q, which comes before it", ErrBadTemplate, a.Key, t.Activities[i-1].Key)
		}
	}
	for i, s := range t.Workflow {
		if err := checkSpec(names, "workflow step", s.Key, s.names(), s.TitleDA, s.TitleEN, s.Owner); err != nil {
			return Template{}, err
		}
		if s.After != "" && !slices.ContainsFunc(t.Workflow[:i], func(o StepSpec) bool { return o.Key == s.After }) {
			return Template{}, fmt.Errorf("%w: workflow step %q comes after %q, which is not a step before it", ErrBadTemplate, s.Key, s.After)
		}
	}
	for _, g := range t.Guides {
		if g.Solution == "" || !webAddress(g.URL) {
			return Template{}, fmt.Errorf("%w: guide %q needs a solution and an http(s) url", ErrBadTemplate, g.Solution)
		}
	}
	if err := t.Support.check(); err != nil {
		return Template{}, fmt.Errorf("%w: support: %v", ErrBadTemplate, err)
	}
	return t, nil
}

// webAddress reports whether s is an absolute http or https address.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

var (
	phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{5,20}[0-9]$`)
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// check refuses a support entry people could not reach: one without a
// phone number, an e-mail address or a web address, one of those written
// wrongly, or opening hours in one language only.
func (s Support) check() error {
	switch {
	case s.IsZero():
		return nil
	case s.Phone == "" && s.Email == "" && s.URL == "":
		return errors.New("give a phone, an email or a url")
	case s.Phone != "" && !phonePattern.MatchString(s.Phone):
		return fmt.Errorf("phone %q is not a phone number", s.Phone)
	case s.Email != "" && !emailPattern.MatchString(s.Email):
		return fmt.Errorf("email %q is not an e-mail address", s.Email)
	case s.URL != "" && !webAddress(s.URL):
		return fmt.Errorf("url %q is not an http(s) address", s.URL)
	case (s.HoursDA == "") != (s.HoursEN == ""):
		return errors.New("give the hours in both languages, hours_da and hours_en")
	}
	return nil
}

func checkSpec(names map[string]bool, what, key string, aliases []string, da, en string, p Party) error {
	if key == "" || da == "" || en == "" {
		return fmt.Errorf("%w: %s %q needs key, title_da and title_en", ErrBadTemplate, what, key)
	}
	if !p.Valid() {
		return fmt.Errorf("%w: %s %q: party %q is not KS, FV or KS+FV", ErrBadTemplate, what, key, p)
	}
	for _, n := range append([]string{key}, aliases...) {
		n = strings.ToLower(n)
		if names[n] {
			return fmt.Errorf("%w: %s name %q used twice", ErrBadTemplate, what, n)
		}
		names[n] = true
	}
	return nil
}

// Word is how a reader of lang names the activity: its Danish key in
// Danish, its key in English.
func (a ActivitySpec) Word(lang string) string { return word(lang, a.Key, a.KeyDA) }

// Word is how a reader of lang names the step: its Danish key in Danish,
// its key in English.
func (s StepSpec) Word(lang string) string { return word(lang, s.Key, s.KeyDA) }

func word(lang, key, keyDA string) string {
	if lang == "en" || keyDA == "" {
		return key
	}
	return keyDA
}

// names are the names the activity answers to besides its key: its
// Danish key, where it has one of its own, and its aliases.
func (a ActivitySpec) names() []string { return otherNames(a.Key, a.KeyDA, a.Aliases) }

// names are the names the step answers to besides its key.
func (s StepSpec) names() []string { return otherNames(s.Key, s.KeyDA, s.Aliases) }

func otherNames(key, keyDA string, aliases []string) []string {
	if keyDA == "" || strings.EqualFold(keyDA, key) {
		return aliases
	}
	return append([]string{keyDA}, aliases...)
}

// ActivityWord is how a reader of lang names activity key; the key itself
// for an activity the template no longer has.
func (t Template) ActivityWord(lang, key string) string {
	for _, a := range t.Activities {
		if a.Key == key {
			return a.Word(lang)
		}
	}
	return key
}

// StepWord is how a reader of lang names step key; the key itself for a
// step the template no longer has.
func (t Template) StepWord(lang, key string) string {
	for _, s := range t.Workflow {
		if s.Key == key {
			return s.Word(lang)
		}
	}
	return key
}

// ActivityKey resolves a key, Danish key or alias, case-insensitively, to
// the activity key.
func (t Template) ActivityKey(name string) (string, bool) {
	for _, a := range t.Activities {
		if matches(name, a.Key, a.names()) {
			return a.Key, true
		}
	}
	return "", false
}

// Step resolves a workflow step key or alias.
func (t Template) Step(name string) (StepSpec, bool) {
	for _, s := range t.Workflow {
		if matches(name, s.Key, s.names()) {
			return s, true
		}
	}
	return StepSpec{}, false
}

func matches(name, key string, aliases []string) bool {
	if strings.EqualFold(name, key) {
		return true
	}
	for _, a := range aliases {
		if strings.EqualFold(name, a) {
			return true
		}
	}
	return false
}
