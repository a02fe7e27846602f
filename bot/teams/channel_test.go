package teams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/bot/teams/faketeams"
	"wavebot/commands"
	"wavebot/wave"
)

// channelPosts are the activities the connector received in the channel
// conversation itself, not in a thread.
func (e *env) channelPosts(conversation string) []faketeams.Request {
	var out []faketeams.Request
	for _, r := range e.conn.Requests() {
		if r.Method == "POST" && r.Path == "/v3/conversations/"+conversation+"/activities" {
			out = append(out, r)
		}
	}
	return out
}

// TestChannelFollowsAWave: "@wavebot subscribe b3" in a Teams channel
// stores the channel's conversation reference; the next morning the
// channel's news is posted there as a new thread, once; when the bot has
// been removed from the team (403), that one failure drops the channel
// and the KS lead hears of it in her personal chat, once.
func TestChannelFollowsAWave(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "wave create b3 2027-02-01")
	e.say(anna, "wave enroll b3 BUF SUF")
	act := e.channelMessage(anna, "<at>wavebot</at> subscribe b3")
	act["channelData"] = map[string]any{"tenant": map[string]any{"id": tenantID}, "channel": map[string]any{"id": "19:general@thread.tacv2", "name": "Bølge 3"}}
	act["conversation"].(map[string]any)["id"] = "19:general@thread.tacv2;messageid=1700"
	if code := e.post(act, e.token()); code != 200 {
		t.Fatalf("answered %d", code)
	}
	ctx := context.Background()
	w, _ := e.store.Wave(ctx, "b3")
	sub, ok := w.Subscription("teams:#19:general@thread.tacv2")
	var ref schema.ConversationReference
	if !ok || sub.Name != "Bølge 3" || json.Unmarshal([]byte(sub.Address), &ref) != nil || ref.Conversation.ID != "19:general@thread.tacv2" || ref.ServiceURL != e.conn.ServiceURL() {
		t.Fatalf("subscription %+v", w.Subscriptions)
	}
	if !strings.Contains(cardText(cardOf(t, e.conn.Requests()[len(e.conn.Requests())-1])), "Bølge 3 følger nu bølge b3.") {
		t.Error("the answer does not say the channel follows the wave")
	}
	e.say(anna, "done b3 pc")
	e.sweepAt(cph.At(wave.Date{Year: 2027, Month: 1, Day: 21}, 9, 0))
	e.sweepAt(cph.At(wave.Date{Year: 2027, Month: 1, Day: 21}, 9, 5))
	news := e.channelPosts("19:general@thread.tacv2")
	if len(news) != 1 || !strings.Contains(cardText(cardOf(t, news[0])), "b3/SUF: »Sikre korrekt opsætning af PC'er« er færdig.") {
		t.Fatalf("%d posts to the channel: %+v", len(news), news)
	}

	e.conn.Remove("19:general@thread.tacv2")
	e.say(anna, "done b3 support")
	e.sweepAt(cph.At(wave.Date{Year: 2027, Month: 1, Day: 22}, 9, 0))
	e.sweepAt(cph.At(wave.Date{Year: 2027, Month: 1, Day: 22}, 9, 5))
	e.say(anna, "done b3 loadtest")
	e.sweepAt(cph.At(wave.Date{Year: 2027, Month: 1, Day: 25}, 9, 0))
	if n := len(e.channelPosts("19:general@thread.tacv2")); n != 2 {
		t.Errorf("%d posts to the channel, want the news and the one failed try", n)
	}
	w, _ = e.store.Wave(ctx, "b3")
	if len(w.Subscriptions) != 0 {
		t.Errorf("the channel still follows: %+v", w.Subscriptions)
	}
	told := 0
	for _, r := range e.channelPosts(personalChat(anna)) {
		if strings.Contains(cardText(cardOf(t, r)), "Kanalen Bølge 3 kan ikke længere nås") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the lead was told %d times, want once", told)
	}
}

// TestTimelineInACard: with a signed address the picture is an Image in
// the card; without one it is an inline PNG attachment beside the card,
// which goes out when the activity stays within Teams' size (see
// TestRepliesAreCutAsALastResort).
func TestTimelineInACard(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "wave create b3 2027-02-01")
	e.say(anna, "wave enroll b3 BUF")
	e.say(anna, "timeline b3")
	card := cardText(cardOf(t, e.conn.Requests()[len(e.conn.Requests())-1]))
	if !strings.Contains(card, `"type":"Image"`) || !strings.Contains(card, `"url":"https://wavebot.example.dk/p/`) || !strings.Contains(card, `"altText":"Tidslinje for bølge b3: 1 forvaltning,`) {
		t.Errorf("the card has no picture: %s", card)
	}
	msg, err := e.bot.message(context.Background(), commands.Reply{Title: "t", Image: &commands.Image{Name: "tidslinje-b3.png", PNG: []byte("\x89PNG..."), Alt: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Attachments) != 2 || msg.Attachments[1].ContentType != "image/png" ||
		msg.Attachments[1].ContentURL != "data:image/png;base64,"+base64.StdEncoding.EncodeToString([]byte("\x89PNG...")) {
		t.Errorf("attachments %+v", msg.Attachments)
	}
}
