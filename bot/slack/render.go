package slack

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
	"wavebot/internal/catalog"
)

// Block Kit's limits, from Slack's reference of blocks and elements.
const (
	maxMessageBlocks = 50
	maxHomeBlocks    = 100
	maxHeader        = 150
	maxSectionText   = 3000
	maxField         = 2000
	maxFields        = 10
	maxButtons       = 25
	maxButtonLabel   = 75
	maxButtonValue   = 2000
	maxButtonURL     = 3000
	maxContextParts  = 10
	// maxFallback bounds the plain-text fallback: notifications and
	// screen readers need the start of a message, not all of it.
	maxFallback = 3000
)

// actionPrefix starts the action_id of every button wavebot renders; the
// interactions endpoint runs only actions with it.
const actionPrefix = "wavebot."

// message is what wavebot sends Slack: the answer to a slash command or a
// button, a post to a response_url, or the text and blocks of
// chat.postMessage.
type message struct {
	ResponseType    string          `json:"response_type,omitempty"`
	ReplaceOriginal bool            `json:"replace_original"`
	ThreadTS        string          `json:"thread_ts,omitempty"`
	Text            string          `json:"text"`
	Blocks          []slackgo.Block `json:"blocks"`
	// cut is set when render had to leave blocks out to keep Slack's
	// limit; it is not sent.
	cut bool
}

// Response types of a slash command's answer.
const (
	ephemeral = "ephemeral"
	inChannel = "in_channel"
)

// render turns a reply into a Block Kit message with a plain-text
// fallback: a header, the progress as a bar, the fields, the lines, one
// part per section, then the buttons and the notes as context lines. A
// refusal shows its reason and the usage in small print. A reply of more
// than maxBlocks blocks is rendered compact, its sections without
// dividers and sharing texts; what still does not fit is cut, with a line
// saying so in the reply's language, and the buttons stay. The commands
// page long answers, so the cut is the last line of defence.
func render(r commands.Reply, maxBlocks int, notes ...string) message {
	var tail []slackgo.Block
	if b := buttons(r.Actions); b != nil {
		tail = append(tail, b)
	}
	if len(notes) > 0 {
		tail = append(tail, smallPrint(notes...))
	}
	m := message{Text: fallback(r), Blocks: body(r, true)}
	if len(m.Blocks)+len(tail) > maxBlocks {
		m.Blocks = pack(body(r, false))
	}
	if len(m.Blocks)+len(tail) > maxBlocks {
		m.Blocks = append(m.Blocks[:max(maxBlocks-len(tail)-1, 0)], smallPrint(catalog.ReplyCut.In(r.Lang)))
		m.cut = true
	}
	m.Blocks = append(m.Blocks, tail...)
	return m
}

// body is the blocks of a reply above its buttons; with dividers, each
// section starts with one.
func body(r commands.Reply, dividers bool) []slackgo.Block {
	var out []slackgo.Block
	if r.Title != "" {
		out = append(out, title(r.Title))
	}
	out = append(out, progressAndFields("", r.Progress, r.Fields)...)
	lines := r.Lines
	if r.Refused && len(lines) > 0 {
		out = append(out, section("✗ "+mrkdwn(lines[0])))
		if len(lines) > 1 {
			out = append(out, smallPrint(lines[1:]...))
		}
		lines = nil
	}
	out = append(out, textSections("", lines)...)
	for _, s := range r.Sections {
		if dividers {
			out = append(out, slackgo.NewDividerBlock())
		}
		heading := "*" + mrkdwn(s.Title) + "*"
		if len(s.Fields) > 0 {
			out = append(out, progressAndFields(heading, s.Progress, s.Fields)...)
			heading = ""
		} else if s.Progress != nil {
			heading += "\n" + bar(*s.Progress)
		}
		out = append(out, textSections(heading, s.Lines)...)
	}
	return out
}

// pack joins neighbouring sections of text alone into one where their
// texts fit one section's.
func pack(blocks []slackgo.Block) []slackgo.Block {
	var out []slackgo.Block
	for _, b := range blocks {
		if s := textOnly(b); s != nil && len(out) > 0 {
			if last := textOnly(out[len(out)-1]); last != nil && utf8.RuneCountInString(last.Text.Text)+2+utf8.RuneCountInString(s.Text.Text) <= maxSectionText {
				out[len(out)-1] = section(last.Text.Text + "\n\n" + s.Text.Text)
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// textOnly is b when it is a section of text alone.
func textOnly(b slackgo.Block) *slackgo.SectionBlock {
	s, ok := b.(*slackgo.SectionBlock)
	if !ok || s.Text == nil || len(s.Fields) > 0 || s.Accessory != nil {
		return nil
	}
	return s
}

// title is a header block, or a bold section when it names a Slack person:
// a header is plain text and cannot mention anyone.
func title(t string) slackgo.Block {
	if strings.Contains(t, "@slack:") {
		return section("*" + mrkdwn(t) + "*")
	}
	return slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, cut(t, maxHeader), true, false))
}

// progressAndFields is a section with an optional heading and progress bar
// followed by the fields, ten to a section. A field too long for one goes
// below them as text, whole.
func progressAndFields(heading string, p *commands.Progress, fields []commands.Field) []slackgo.Block {
	var out []slackgo.Block
	text := heading
	if p != nil {
		text = strings.TrimLeft(text+"\n"+bar(*p), "\n")
	}
	var objs []*slackgo.TextBlockObject
	var long []string
	for _, f := range fields {
		field := "*" + mrkdwn(f.Label) + "*\n" + mrkdwn(f.Value)
		if utf8.RuneCountInString(field) > maxField {
			long = append(long, field)
			continue
		}
		objs = append(objs, mrkdwnObject(field))
	}
	for first := true; first || len(objs) > 0; first = false {
		n := min(len(objs), maxFields)
		var t *slackgo.TextBlockObject
		if first && text != "" {
			t = mrkdwnObject(cut(text, maxSectionText))
		}
		if t != nil || n > 0 {
			out = append(out, slackgo.NewSectionBlock(t, objs[:n], nil))
		}
		objs = objs[n:]
	}
	return append(out, packText("", long)...)
}

// textSections puts a heading (mrkdwn already) and lines into as few
// sections as fit Slack's limit.
func textSections(heading string, lines []string) []slackgo.Block {
	texts := make([]string, 0, len(lines))
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			texts = append(texts, mrkdwn(l))
		}
	}
	return packText(heading, texts)
}

// packText puts a heading and texts, mrkdwn both, into as few sections as
// fit Slack's limit, a line to a text; a text longer than a section's is
// split over several (split).
func packText(heading string, texts []string) []slackgo.Block {
	var out []slackgo.Block
	var b strings.Builder
	size := 0 // characters in b
	b.WriteString(cut(heading, maxSectionText))
	size = utf8.RuneCountInString(b.String())
	flush := func() {
		if b.Len() > 0 {
			out = append(out, section(b.String()))
			b.Reset()
			size = 0
		}
	}
	for _, text := range texts {
		for _, piece := range split(text, maxSectionText) {
			if piece == "" {
				continue
			}
			n := utf8.RuneCountInString(piece)
			if size > 0 && size+1+n > maxSectionText {
				flush()
			}
			if size > 0 {
				b.WriteByte('\n')
				size++
			}
			b.WriteString(piece)
			size += n
		}
	}
	flush()
	return out
}

// split cuts mrkdwn text into pieces of at most n characters, each
// ending where a line or a word ends when one ends in its second half,
// and never inside Slack's markup (<@U123>, &amp;).
func split(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		end := runeOffset(s, n)
		at := strings.LastIndexAny(s[:end], "\n ")
		if at < end/2 {
			at = end
			if open := strings.LastIndexAny(s[:end], "&<"); open > 0 && !strings.ContainsAny(s[open:end], ";>") {
				at = open
			}
		}
		out = append(out, strings.TrimRight(s[:at], " \n"))
		s = strings.TrimLeft(s[at:], " \n")
	}
	return append(out, s)
}

// runeOffset is the byte offset of the n-th character of s, counting
// from 0; len(s) when s is shorter.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// buttons is an actions block whose buttons carry the command they run,
// or open the page of their link (such a button has no value, so pressing
// it runs nothing); the first is the primary one.
func buttons(actions []commands.Action) slackgo.Block {
	var elems []slackgo.BlockElement
	for i, a := range actions {
		if len(elems) == maxButtons || len(a.Command) > maxButtonValue || len(a.URL) > maxButtonURL || (a.Command == "" && a.URL == "") {
			continue
		}
		label := slackgo.NewTextBlockObject(slackgo.PlainTextType, cut(a.Label, maxButtonLabel), true, false)
		b := slackgo.NewButtonBlockElement(actionPrefix+strconv.Itoa(i), a.Command, label)
		if a.URL != "" {
			b = slackgo.NewButtonBlockElement(actionPrefix+strconv.Itoa(i), "", label).WithURL(a.URL)
		}
		if len(elems) == 0 {
			b = b.WithStyle(slackgo.StylePrimary)
		}
		elems = append(elems, b)
	}
	if len(elems) == 0 {
		return nil
	}
	return slackgo.NewActionBlock("", elems...)
}

// smallPrint is a context block of small print, one element per line.
func smallPrint(lines ...string) slackgo.Block {
	var elems []slackgo.MixedElement
	for _, l := range lines {
		if len(elems) < maxContextParts && strings.TrimSpace(l) != "" {
			elems = append(elems, mrkdwnObject(cut(mrkdwn(l), maxField)))
		}
	}
	return slackgo.NewContextBlock("", elems...)
}

func section(text string) slackgo.Block {
	return slackgo.NewSectionBlock(mrkdwnObject(cut(text, maxSectionText)), nil, nil)
}

// mrkdwnObject is mrkdwn text that Slack takes verbatim: it links no
// names and notifies nobody beyond the mentions wavebot wrote.
func mrkdwnObject(text string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, true)
}

// bar draws progress as ten cells in code type, done, skipped and open,
// followed by its words: `███▒░░░░░░` 3 færdige, 1 sprunget over, 6 åbne.
func bar(p commands.Progress) string {
	done, skipped, open := p.Cells(10)
	return fmt.Sprintf("`%s%s%s` %s", strings.Repeat("█", done), strings.Repeat("▒", skipped), strings.Repeat("░", open), mrkdwn(p.Label()))
}

// fallback is the reply as plain text for notifications and screen
// readers: the title, the lines and each section's title and lines.
func fallback(r commands.Reply) string {
	parts := []string{r.Title}
	parts = append(parts, r.Lines...)
	for _, s := range r.Sections {
		parts = append(parts, s.Title)
		parts = append(parts, s.Lines...)
	}
	var b strings.Builder
	size := 0
	for _, p := range parts {
		size += len(p) + 1
	}
	b.Grow(size)
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p)
	}
	return cut(mrkdwn(b.String()), maxFallback)
}

var (
	escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	// personRef is how commands write a Slack person: @slack:U123, or
	// slack:U123 in the audit trail.
	personRef = regexp.MustCompile(`@?\bslack:([UW][A-Z0-9]+)`)
	// channelRef is a Slack channel named by its id: slack:#C123.
	channelRef = regexp.MustCompile(`\bslack:#([CG][A-Z0-9]+)`)
)

// mrkdwn escapes text for Slack, so nothing in it can become a link or a
// notification, then renders Slack people as mentions (<@U123>) and
// channels as links to them (<#C123>). Console
// names and other platforms' people stay as they are.
func mrkdwn(s string) string {
	s = escaper.Replace(s)
	if !strings.Contains(s, "slack:") {
		return s
	}
	return channelRef.ReplaceAllString(personRef.ReplaceAllString(s, "<@$1>"), "<#$1>")
}

// cut shortens s to at most n characters, ending it with an ellipsis.
func cut(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n { // no more characters than bytes
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
