package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
)

// jsonEncoded is m as encoding/json writes it, the way encodeTo did
// before appendMessage.
func jsonEncoded(t testing.TB, m message) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAppendMessageIsJSON: every reply shape wavebot renders, and the
// corners of JSON strings, come out byte for byte as encoding/json
// writes them; blocks render never makes are left to it.
func TestAppendMessageIsJSON(t *testing.T) {
	f := newFixture(t)
	f.do("UANNA: auth request b3/BUF 2027-02-15")
	f.do("UMARIA: start b3/BUF info <markup> & \"a note\" to @here\u2028\\")
	ctx := context.Background()
	var messages []message
	for _, text := range []string{"status b3", "status b3/BUF", "status", "help", "done b3/SUF pc", "my", "log b3/BUF", "auth list b3/BUF", "wave"} {
		for _, user := range []string{"UANNA", "UMARIA"} {
			r := f.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: person(user)}, Text: text})
			messages = append(messages, render(r, maxMessageBlocks, "a note\tbelow"))
		}
	}
	messages = append(messages,
		message{ResponseType: inChannel, ReplaceOriginal: true, ThreadTS: "1.2", Text: "\x00\x1f\x7f<&>\xff\u2029é"},
		message{Text: "no blocks"},
		message{Blocks: []slackgo.Block{slackgo.NewActionBlock("a"), slackgo.NewContextBlock("c"), slackgo.NewDividerBlock()}},
		message{Blocks: []slackgo.Block{slackgo.NewActionBlock("", slackgo.NewButtonBlockElement("id", "<v&>", nil).WithStyle(slackgo.StyleDanger))}},
	)
	for i, m := range messages {
		got, ok := appendMessage(nil, m)
		if want := jsonEncoded(t, m); !ok || !bytes.Equal(got, want) {
			t.Errorf("message %d (%v):\n%s\nwant\n%s", i, ok, got, want)
		}
	}
	unknown := message{Blocks: []slackgo.Block{slackgo.NewImageBlock("https://x", "alt", "", nil)}}
	if _, ok := appendMessage(nil, unknown); ok {
		t.Error("an image block was written, not left to encoding/json")
	}
	var b bytes.Buffer
	if err := encodeTo(&b, unknown); err != nil || !bytes.Equal(b.Bytes(), jsonEncoded(t, unknown)) {
		t.Errorf("encodeTo of an image block: %v\n%s", err, b.Bytes())
	}
}

// FuzzAppendMessage: whatever the texts, appendMessage writes what
// encoding/json writes.
func FuzzAppendMessage(f *testing.F) {
	f.Add("b3/BUF – Bølge 3", "<@U1> & <#C1>", "status b3", "x\u2028\xff\"\\")
	f.Fuzz(func(t *testing.T, title, line, command, label string) {
		r := commands.Reply{Title: title, Lines: []string{line, label}, Fields: []commands.Field{{Label: label, Value: line}},
			Sections: []commands.Section{{Title: title, Lines: []string{line}}},
			Actions:  []commands.Action{{Label: label, Command: command}, {Label: title, URL: "https://x/" + line}}}
		m := render(r, maxMessageBlocks, line)
		m.ThreadTS, m.ResponseType = label, command
		got, ok := appendMessage(nil, m)
		if want := jsonEncoded(t, m); !ok || !bytes.Equal(got, want) {
			t.Fatalf("%v:\n%s\nwant\n%s", ok, got, want)
		}
	})
}
