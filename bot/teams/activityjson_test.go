package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/core/activity"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/commands"
)

// jsonEncoded is v as encoding/json writes it, the way encodeJSON did
// before appendActivity.
func jsonEncoded(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// sentTo is msg as the adapter sends it to a conversation: a personal
// chat, a channel's thread (a group, with names) or an update of a card.
func sentTo(msg schema.Activity) []schema.Activity {
	user := schema.ChannelAccount{ID: "29:1" + mariaAAD, Name: "Maria \"M\" <Hansen>", AadObjectID: mariaAAD}
	bot := schema.ChannelAccount{ID: "28:" + appID, Name: "wavebot", Role: "bot"}
	personal := schema.ConversationReference{ActivityID: "1700000000001", User: user, Bot: bot, ChannelID: "msteams", ServiceURL: "https://smba.example/teams/",
		Conversation: schema.ConversationAccount{ID: "a:1personal", ConversationType: "personal", TenantID: tenantID}}
	channel := personal
	channel.ActivityID = ""
	channel.Conversation = schema.ConversationAccount{ID: "19:abc@thread.tacv2;messageid=17", ConversationType: "channel", TenantID: tenantID, IsGroup: true, Name: "Bølge 3 & co", AadObjectID: "x", Role: "user"}
	update := activity.ApplyConversationReference(msg, personal, false)
	update.ID, update.ReplyToID = "1700000000002", ""
	return []schema.Activity{activity.ApplyConversationReference(msg, personal, false), activity.ApplyConversationReference(msg, channel, false), update}
}

// TestAppendActivityIsJSON: every reply shape the adapter sends, to every
// kind of conversation, and the corners of JSON strings, come out byte
// for byte as encoding/json writes them; activities it never sends are
// left to encoding/json.
func TestAppendActivityIsJSON(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mariaID, annaID := "teams:"+mariaAAD, "teams:"+annaAAD
	run := withWave(t, e, "Søren \"S\" Berg",
		"wave create b3 2027-02-01 Bølge 3 <&>", "wave enroll b3 BUF SUF", "contact b3/BUF @"+mariaID+" @slack:U0SLACK1",
		"done b3/BUF kickoff", "auth request b3/BUF 2027-01-27", "eval note b3/BUF \"citat\" \\ \u2028 <b>")
	var msgs []schema.Activity
	for _, text := range []string{"status b3", "status b3/BUF", "status", "help", "done b3/BUF pc", "my", "log b3/BUF", "auth list b3/BUF", "wave", "overview"} {
		for _, who := range []string{annaID, mariaID} {
			msg, err := e.bot.message(ctx, run(who, text))
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, sentTo(msg)...)
		}
	}
	picture := commands.Reply{Title: "Tidslinje", Image: &commands.Image{Name: "b3.png", PNG: []byte("\x89PNG"), Alt: "b3"}}
	withPicture, err := e.bot.message(ctx, picture)
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, sentTo(withPicture)...)
	linked, err := e.bot.message(ctx, commands.Reply{Title: "Tidslinje", Image: &commands.Image{URL: "https://wavebot.example/p/b3.png?sig=a&b", Alt: "b3 <tidslinje>"}})
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, sentTo(linked)...)
	msgs = append(msgs,
		schema.Activity{Type: schema.Message, Text: "\x00\x1f\x7f<&>\xff\u2029é"},
		schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{{ContentType: "image/png", ContentURL: "https://x/a.png", Name: "a", ThumbnailURL: "https://x/t.png"}}},
		schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{attachment(card{Type: "AdaptiveCard", Body: []element{}})}},
		schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{attachment(card{Type: "AdaptiveCard"})}},
		schema.Activity{},
	)
	for i, act := range msgs {
		got, ok := appendActivity(nil, act)
		if want := jsonEncoded(t, act); !ok || !bytes.Equal(got, want) {
			t.Errorf("activity %d (%v):\n%s\nwant\n%s", i, ok, got, want)
		}
		if body, err := encodeJSON(act); err != nil || !bytes.Equal(body, jsonEncoded(t, act)) {
			t.Errorf("encodeJSON of activity %d: %v\n%s", i, err, body)
		}
	}
	for name, act := range map[string]schema.Activity{
		"a timestamp":               {Type: schema.Message, Timestamp: time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)},
		"entities":                  {Type: schema.Message, Entities: []schema.Entity{{Type: "mention"}}},
		"channel data":              {Type: schema.Message, ChannelData: map[string]any{"notification": map[string]any{"alert": true}}},
		"a hero card":               {Type: schema.Message, Attachments: []schema.Attachment{{ContentType: "application/vnd.microsoft.card.hero", Content: map[string]any{"title": "x"}}}},
		"members added":             {Type: schema.ConversationUpdate, MembersAdded: []schema.ChannelAccount{{ID: "1"}}},
		"a relates-to":              {Type: schema.Message, RelatesTo: schema.ConversationReference{ActivityID: "1"}},
		"a value":                   {Type: schema.Message, Value: map[string]any{"command": "help"}},
		"a semantic id":             {Type: schema.Message, SemanticAction: schema.SemanticAction{ID: "s"}},
		"a semantic state":          {Type: schema.Message, SemanticAction: schema.SemanticAction{State: "start"}},
		"semantic entities":         {Type: schema.Message, SemanticAction: schema.SemanticAction{Entities: map[string]schema.Entity{"e": {}}}},
		"a local time":              {Type: schema.Message, LocalTimestamp: time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)},
		"an expiry":                 {Type: schema.Message, Expiration: time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)},
		"a zero time in Copenhagen": {Type: schema.Message, Timestamp: time.Time{}.In(time.FixedZone("CET", 3600))},
		"a local zone":              {Type: schema.Message, LocalTimezone: "Europe/Copenhagen"},
		"a caller":                  {Type: schema.Message, CallerID: "urn:botframework:azure"},
		"a text format":             {Type: schema.Message, TextFormat: "markdown"},
		"a layout":                  {Type: schema.Message, AttachmentLayout: "carousel"},
		"members removed":           {Type: schema.ConversationUpdate, MembersRemoved: []schema.ChannelAccount{{ID: "1"}}},
		"reactions added":           {Type: "messageReaction", ReactionsAdded: []schema.MessageReaction{{Type: "like"}}},
		"reactions removed":         {Type: "messageReaction", ReactionsRemoved: []schema.MessageReaction{{Type: "like"}}},
		"a topic":                   {Type: schema.ConversationUpdate, TopicName: "b3"},
		"history":                   {Type: schema.ConversationUpdate, HistoryDisclosed: true},
		"a locale":                  {Type: schema.Message, Locale: "da-DK"},
		"speech":                    {Type: schema.Message, Speak: "hej"},
		"an input hint":             {Type: schema.Message, InputHint: "acceptingInput"},
		"suggestions to":            {Type: schema.Message, SuggestedActions: schema.SuggestedActions{To: []string{"1"}}},
		"suggestions":               {Type: schema.Message, SuggestedActions: schema.SuggestedActions{Actions: []schema.CardAction{{Title: "x"}}}},
		"an action":                 {Type: schema.InstallationUpdate, Action: "add"},
		"a label":                   {Type: schema.Message, Label: "x"},
		"a value type":              {Type: schema.Message, ValueType: "x"},
		"a name":                    {Type: schema.Message, Name: "x"},
		"a code":                    {Type: schema.Message, Code: "completedSuccessfully"},
		"an importance":             {Type: schema.Message, Importance: "high"},
		"a delivery mode":           {Type: schema.Message, DeliveryMode: "notification"},
		"listening":                 {Type: schema.Message, ListenFor: []string{"x"}},
		"highlights":                {Type: schema.Message, TextHighlights: []schema.TextHighlight{{Text: "x"}}},
	} {
		if out, ok := appendActivity([]byte("before"), act); ok || string(out) != "before" {
			t.Errorf("an activity with %s was written (%q), not left to encoding/json", name, out)
		}
		if body, err := encodeJSON(act); err != nil || !bytes.Equal(body, jsonEncoded(t, act)) {
			t.Errorf("encodeJSON of an activity with %s: %v\n%s", name, err, body)
		}
	}
}

// FuzzAppendActivity: whatever the texts and names, appendActivity writes
// what encoding/json writes.
func FuzzAppendActivity(f *testing.F) {
	f.Add("b3/BUF – Bølge 3", "@teams:"+mariaAAD+" & <at>", "status b3", "x\u2028\xff\"\\", "Maria")
	f.Fuzz(func(t *testing.T, title, line, command, label, name string) {
		r := commands.Reply{Title: title, Lines: []string{line, label}, Fields: []commands.Field{{Label: label, Value: line}},
			Sections: []commands.Section{{Title: title, Lines: []string{line}, Fields: []commands.Field{{Label: name, Value: title}}}},
			Actions:  []commands.Action{{Label: label, Command: command}, {Label: title, URL: "https://x/" + line}},
			Refused:  len(line)%2 == 0, Progress: &commands.Progress{}}
		people := map[string]who{"teams:" + mariaAAD: {Teams: "teams:" + mariaAAD, Name: name}}
		msg := schema.Activity{Type: schema.Message, Summary: summary(r, people), Attachments: []schema.Attachment{attachment(render(r, people))}}
		for _, act := range sentTo(msg) {
			act.Text, act.Recipient.Name = label, name
			got, ok := appendActivity(nil, act)
			if want := jsonEncoded(t, act); !ok || !bytes.Equal(got, want) {
				t.Fatalf("%v:\n%s\nwant\n%s", ok, got, want)
			}
		}
	})
}

// BenchmarkEncodeActivity measures the JSON of a status answer as sent:
// written by hand ("by-hand") and by encoding/json ("encoding-json").
func BenchmarkEncodeActivity(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	for _, line := range []string{"wave create b3 2027-02-01", "wave enroll b3 BUF", "contact b3/BUF @teams:" + mariaAAD} {
		e.say(anna, line)
	}
	msg, err := e.bot.message(ctx, e.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: "teams:" + mariaAAD}, Text: "status b3/BUF"}))
	if err != nil {
		b.Fatal(err)
	}
	act := sentTo(msg)[0]
	for _, tc := range []struct {
		name   string
		encode func() []byte
	}{
		{"by-hand", func() []byte { out, _ := encodeJSON(act); return out }},
		{"encoding-json", func() []byte { return jsonEncoded(b, act) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				tc.encode()
			}
			b.ReportMetric(float64(len(tc.encode())), "bytes")
		})
	}
}

// TestAppendActivityEveryField: an activity with any one field of the
// library's schema set, down to the fields of its accounts, references,
// attachments and cards, is written as encoding/json writes it or left
// to encoding/json, so a field the library adds cannot go unwritten.
func TestAppendActivityEveryField(t *testing.T) {
	acts := variants(reflect.TypeFor[schema.Activity](), 0)
	written := 0
	for i, v := range acts {
		act := v.Interface().(schema.Activity)
		got, ok := appendActivity(nil, act)
		if ok {
			written++
			if want := jsonEncoded(t, act); !bytes.Equal(got, want) {
				t.Errorf("activity %d:\n%s\nwant\n%s", i, got, want)
			}
		}
		if body, err := encodeJSON(act); err != nil || !bytes.Equal(body, jsonEncoded(t, act)) {
			t.Errorf("encodeJSON of activity %d: %v\n%s", i, err, body)
		}
	}
	if written < 100 {
		t.Errorf("%d of %d activities written by hand; want the many with only written fields set", written, len(acts))
	}
}

// TestReferenceJSON: a conversation reference as the adapter stores it,
// the whole one of every kind of conversation or any one of its fields
// set, is written as encodeJSON's encoder writes it, and reads back as it
// was.
func TestReferenceJSON(t *testing.T) {
	var refs []schema.ConversationReference
	for _, act := range sentTo(schema.Activity{Type: schema.Message}) {
		refs = append(refs, activity.GetCoversationReference(act))
	}
	for _, v := range variants(reflect.TypeFor[schema.ConversationReference](), 0) {
		refs = append(refs, v.Interface().(schema.ConversationReference))
	}
	for i, ref := range refs {
		got := referenceJSON(ref)
		if want := jsonEncoded(t, ref); got != string(want) {
			t.Errorf("reference %d:\n%s\nwant\n%s", i, got, want)
		}
		var back schema.ConversationReference
		if err := json.Unmarshal([]byte(got), &back); err != nil || back != ref {
			t.Errorf("reference %d reads back as %+v, %v", i, back, err)
		}
	}
}

// variants are values of type typ: its zero value, and values with one
// field set, down to depth 11: a string, true, a time, a
// slice of one variant of its element, an empty slice, a map of one
// entry, and as an attachment's content a card, a map or a string.
func variants(typ reflect.Type, depth int) []reflect.Value {
	out := []reflect.Value{reflect.Zero(typ)}
	if depth > 11 {
		return out
	}
	switch {
	case typ == reflect.TypeFor[time.Time]():
		for _, tm := range []time.Time{time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC), {}, time.Time{}.In(time.FixedZone("CET", 3600)), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)} {
			out = append(out, reflect.ValueOf(tm))
		}
		return out
	case typ.Kind() == reflect.String:
		v := reflect.New(typ).Elem()
		v.SetString("x<&>\u2028\"")
		return append(out, v)
	case typ.Kind() == reflect.Bool:
		return append(out, reflect.ValueOf(true).Convert(typ))
	case typ.Kind() == reflect.Pointer:
		for _, e := range variants(typ.Elem(), depth+1) {
			p := reflect.New(typ.Elem())
			p.Elem().Set(e)
			out = append(out, p)
		}
		return out
	case typ.Kind() == reflect.Slice:
		out = append(out, reflect.MakeSlice(typ, 0, 0))
		for _, e := range variants(typ.Elem(), depth+1) {
			out = append(out, reflect.Append(reflect.MakeSlice(typ, 0, 1), e))
		}
		return out
	case typ.Kind() == reflect.Map:
		out = append(out, reflect.MakeMap(typ))
		m := reflect.MakeMap(typ)
		m.SetMapIndex(reflect.ValueOf("k").Convert(typ.Key()), reflect.Zero(typ.Elem()))
		return append(out, m)
	case typ.Kind() == reflect.Interface:
		for _, c := range variants(reflect.TypeFor[card](), depth+1) {
			v := reflect.New(typ).Elem()
			v.Set(c)
			out = append(out, v)
		}
		return append(out, reflect.ValueOf(map[string]any{"type": "x"}), reflect.ValueOf("x"))
	case typ.Kind() == reflect.Struct:
		for i := range typ.NumField() {
			if !typ.Field(i).IsExported() {
				continue
			}
			for _, f := range variants(typ.Field(i).Type, depth+1)[1:] {
				v := reflect.New(typ).Elem()
				v.Field(i).Set(f)
				out = append(out, v)
			}
		}
	}
	return out
}

// TestEncodeJSONOwnsItsBytes: what encodeJSON returns is its caller's,
// whether written by hand or by encoding/json: the buffer it was written
// in goes back to the pool, and the next activity must not write over it.
func TestEncodeJSONOwnsItsBytes(t *testing.T) {
	for name, act := range map[string]schema.Activity{
		"by hand":          {Type: schema.Message, Text: "first"},
		"by encoding/json": {Type: schema.Message, Text: "first", Locale: "da-DK"},
	} {
		body, err := encodeJSON(act)
		if err != nil {
			t.Fatal(err)
		}
		want := bytes.Clone(body)
		for range 10 {
			if _, err := encodeJSON(schema.Activity{Type: schema.Message, Text: "the next one, longer than the first"}); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(body, want) {
			t.Errorf("%s: an activity's JSON became %s after the next ones were written; want %s", name, body, want)
		}
	}
}
