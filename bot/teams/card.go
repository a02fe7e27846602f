package teams

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/commands"
	"wavebot/internal/catalog"
)

// cardType is the attachment content type of an Adaptive Card.
const cardType = "application/vnd.microsoft.card.adaptive"

// card is an Adaptive Card (schema 1.5), as much of it as wavebot uses.
type card struct {
	Type    string    `json:"type"`
	Schema  string    `json:"$schema"`
	Version string    `json:"version"`
	Body    []element `json:"body"`
	Actions []action  `json:"actions,omitempty"`
	// FallbackText is what a client that cannot show the card shows: the
	// reply's summary, not the card again.
	FallbackText string   `json:"fallbackText,omitempty"`
	MSTeams      *msTeams `json:"msteams,omitempty"`
	// cutNotice and pictureNotice are what the card says, in its reader's
	// language, when fit had to cut it or leave its picture out.
	cutNotice, pictureNotice string
}

// element is a TextBlock, a FactSet, a Container or an Image.
type element struct {
	Type      string    `json:"type"`
	Text      string    `json:"text,omitempty"`
	Weight    string    `json:"weight,omitempty"`
	Size      string    `json:"size,omitempty"`
	Color     string    `json:"color,omitempty"`
	IsSubtle  bool      `json:"isSubtle,omitempty"`
	Wrap      bool      `json:"wrap,omitempty"`
	Spacing   string    `json:"spacing,omitempty"`
	Separator bool      `json:"separator,omitempty"`
	Facts     []fact    `json:"facts,omitempty"`
	Items     []element `json:"items,omitempty"`
	// URL and AltText are an Image's.
	URL     string `json:"url,omitempty"`
	AltText string `json:"altText,omitempty"`
}

// fact is one labelled value of a FactSet.
type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// action is a button: an Action.Submit, whose Data.Command comes back in
// the activity's value when it is pressed, or an Action.OpenUrl that
// opens URL in the browser.
type action struct {
	Type  string      `json:"type"`
	Title string      `json:"title"`
	Data  *submitData `json:"data,omitempty"`
	URL   string      `json:"url,omitempty"`
}

// submitData is what a pressed button sends back.
type submitData struct {
	Command string `json:"command"`
}

// msTeams holds the Teams extensions of a card: its width and the people
// it mentions.
type msTeams struct {
	Width    string    `json:"width,omitempty"`
	Entities []mention `json:"entities,omitempty"`
}

// mention makes <at>Name</at> in a card's text a Teams mention.
type mention struct {
	Type      string         `json:"type"`
	Text      string         `json:"text"`
	Mentioned mentionAccount `json:"mentioned"`
}

// mentionAccount is the person a mention names.
type mentionAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// platformPerson finds the "@teams:<id>" and "@slack:<id>" that replies
// write for people.
var platformPerson = regexp.MustCompile(`@(?:teams|slack):[0-9A-Za-z_-]+`)

// namesSomeone reports whether s may name a person: most lines of an
// answer do not, and skip the regular expression.
func namesSomeone(s string) bool {
	return strings.Contains(s, "@teams:") || strings.Contains(s, "@slack:")
}

// peopleIn lists the platform ids a reply mentions, once each, in order.
func peopleIn(r commands.Reply) []string {
	var ids []string
	seen := map[string]bool{}
	add := func(s string) {
		if !namesSomeone(s) {
			return
		}
		for _, m := range platformPerson.FindAllString(s, -1) {
			if id := m[1:]; !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	add(r.Title)
	for _, l := range r.Lines {
		add(l)
	}
	for _, f := range r.Fields {
		add(f.Value)
	}
	for _, s := range r.Sections {
		add(s.Title)
		for _, f := range s.Fields {
			add(f.Value)
		}
		for _, l := range s.Lines {
			add(l)
		}
	}
	return ids
}

// who is how a person appears in Teams: their Teams identity
// ("teams:<AAD object id>", empty when they have none) and their name.
type who struct {
	Teams, Name string
}

// mentioner turns people into Teams mentions where they have a Teams
// identity, collecting one entity per person, and into "@Name" elsewhere.
type mentioner struct {
	people   map[string]who
	entities []mention
	seen     map[string]bool
}

func (m *mentioner) name(id string) string {
	if n := m.people[id].Name; n != "" {
		return n
	}
	if t := m.people[id].Teams; t != "" {
		return strings.TrimPrefix(t, "teams:")
	}
	return id
}

func (m *mentioner) text(s string) string {
	return replacePeople(s, func(match string) string {
		id := match[1:]
		aad, ok := strings.CutPrefix(m.people[id].Teams, "teams:")
		if !ok {
			return "@" + m.name(id)
		}
		at := "<at>" + m.name(id) + "</at>"
		if !m.seen[id] {
			m.seen[id] = true
			m.entities = append(m.entities, mention{Type: "mention", Text: at,
				Mentioned: mentionAccount{ID: aad, Name: m.name(id)}})
		}
		return at
	})
}

// plain writes people as "@Name", for text without mentions.
func (m *mentioner) plain(s string) string {
	return replacePeople(s, func(match string) string { return "@" + m.name(match[1:]) })
}

// replacePeople replaces each person s names with what f makes of the
// "@platform:id" that names them.
func replacePeople(s string, f func(string) string) string {
	if !namesSomeone(s) {
		return s
	}
	return platformPerson.ReplaceAllStringFunc(s, f)
}

// render turns a reply into an Adaptive Card: the title, a progress line,
// the fields as a fact set, the lines as text blocks, a container per
// section and a button per action. People with a Teams identity become
// mentions, everyone else "@Name"; the reply's summary is the card's
// fallback.
func render(r commands.Reply, people map[string]who) card {
	m := &mentioner{people: people, seen: map[string]bool{}}
	c := card{Type: "AdaptiveCard", Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: "1.5",
		Body: make([]element, 0, 4+len(r.Lines)+len(r.Sections))}
	if r.Title != "" {
		c.Body = append(c.Body, element{Type: "TextBlock", Text: m.text(r.Title), Weight: "Bolder", Size: "Medium", Wrap: true})
	}
	c.Body = body(c.Body, m, r.Progress, r.Fields, nil)
	for i, l := range r.Lines {
		e := element{Type: "TextBlock", Text: m.text(l), Wrap: true, Spacing: "Small"}
		if r.Refused && i == 0 {
			e.Color, e.Weight = "Attention", "Bolder"
		}
		if r.Refused && i > 0 {
			e.IsSubtle = true
		}
		c.Body = append(c.Body, e)
	}
	if r.Image != nil && r.Image.URL != "" {
		c.Body = append(c.Body, element{Type: "Image", URL: r.Image.URL, AltText: r.Image.Alt, Size: "Stretch"})
	}
	for _, s := range r.Sections {
		items := make([]element, 1, 3+len(s.Lines))
		items[0] = element{Type: "TextBlock", Text: m.text(s.Title), Weight: "Bolder", Wrap: true}
		items = body(items, m, s.Progress, s.Fields, s.Lines)
		c.Body = append(c.Body, element{Type: "Container", Separator: true, Spacing: "Medium", Items: items})
	}
	for _, a := range r.Actions {
		if a.URL != "" {
			c.Actions = append(c.Actions, action{Type: "Action.OpenUrl", Title: a.Label, URL: a.URL})
			continue
		}
		c.Actions = append(c.Actions, action{Type: "Action.Submit", Title: a.Label, Data: &submitData{Command: a.Command}})
	}
	c.FallbackText = summary(r, people)
	c.MSTeams = &msTeams{Width: "Full", Entities: m.entities}
	c.cutNotice, c.pictureNotice = catalog.ReplyCut.In(r.Lang), catalog.PictureTooLarge.In(r.Lang)
	return c
}

// body appends to dst a progress line, fields and lines.
func body(dst []element, m *mentioner, p *commands.Progress, fields []commands.Field, lines []string) []element {
	if p != nil {
		dst = append(dst, element{Type: "TextBlock", Text: progress(*p), IsSubtle: true, Spacing: "Small"})
	}
	if len(fields) > 0 {
		fs := element{Type: "FactSet", Facts: make([]fact, 0, len(fields))}
		for _, f := range fields {
			fs.Facts = append(fs.Facts, fact{Title: f.Label, Value: m.text(f.Value)})
		}
		dst = append(dst, fs)
	}
	for _, l := range lines {
		dst = append(dst, element{Type: "TextBlock", Text: m.text(l), Wrap: true, Spacing: "Small"})
	}
	return dst
}

// progress draws ten cells, done, skipped and open, followed by the
// progress in words: ▰▰▰▰▨▱▱▱▱▱ 4 færdige, 1 sprunget over, 4 åbne.
func progress(p commands.Progress) string {
	done, skipped, open := p.Cells(10)
	return fmt.Sprintf("%s%s%s %s", strings.Repeat("▰", done), strings.Repeat("▨", skipped), strings.Repeat("▱", open), p.Label())
}

// picture is a reply's picture as an attachment of its own, inline as a
// data URI: for a picture without a signed address (the web pages are not
// set up). Teams shows it under the card; a picture with an address is
// in the card itself.
func picture(img *commands.Image) (schema.Attachment, bool) {
	if img == nil || img.URL != "" {
		return schema.Attachment{}, false
	}
	return schema.Attachment{ContentType: "image/png", Name: img.Name,
		ContentURL: "data:image/png;base64," + base64.StdEncoding.EncodeToString(img.PNG)}, true
}

// attachment wraps a card for an activity.
func attachment(c card) schema.Attachment {
	return schema.Attachment{ContentType: cardType, Content: c}
}

// maxSummary bounds a reply's summary, in characters.
const maxSummary = 300

// summary is the short text of a reply that Teams shows in a
// notification and a client that cannot show the card shows instead:
// its title and its first line, at most maxSummary characters.
func summary(r commands.Reply, people map[string]who) string {
	s := r.Title
	if len(r.Lines) > 0 {
		s = strings.TrimPrefix(s+" – "+r.Lines[0], " – ")
	}
	s = (&mentioner{people: people}).plain(s)
	if utf8.RuneCountInString(s) > maxSummary {
		s = string([]rune(s)[:maxSummary-1]) + "…"
	}
	return s
}
