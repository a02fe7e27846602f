package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"

	"wavebot/bot/teams/faketeams"
	"wavebot/commands"
	"wavebot/notify"
	"wavebot/wave"
)

// TestMessageRunsCommandAndReplies: a message in a personal chat, with a
// token minted like the Bot Connector's, runs its command as the sender,
// changes the store, and the reply card reaches the conversation at the
// fake connector with the bot's own token.
func TestMessageRunsCommandAndReplies(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "wave create b3 2027-02-01 Bølge 3")
	w, err := e.store.Wave(context.Background(), "b3")
	if err != nil || w.Lead != "teams:"+annaAAD || w.Name != "Bølge 3" {
		t.Fatalf("wave %+v, %v", w, err)
	}
	got := e.conn.Requests()
	if len(got) != 1 {
		t.Fatalf("connector got %d requests: %+v", len(got), got)
	}
	r := got[0]
	if r.Method != "POST" || r.Path != "/v3/conversations/"+personalChat(anna)+"/activities" || r.Bearer != "bot-token-1" {
		t.Errorf("reply went %s %s with token %q", r.Method, r.Path, r.Bearer)
	}
	if r.Body["type"] != "message" || r.Body["replyToId"] != "m1" {
		t.Errorf("reply activity %v", r.Body)
	}
	card := cardOf(t, r)
	if card["version"] != "1.5" || !strings.Contains(cardText(card), "b3") || !strings.Contains(cardText(card), "<at>Anna Holm</at>") {
		t.Errorf("card %s", cardText(card))
	}
	// Anna's chat is stored, so reminders can reach her.
	ref, err := e.bot.reference(context.Background(), "teams:"+annaAAD)
	if err != nil || ref.Conversation.ID != personalChat(anna) || ref.ServiceURL != e.conn.ServiceURL() || ref.Conversation.TenantID != tenantID || ref.ActivityID != "" {
		t.Errorf("stored reference %+v, %v", ref, err)
	}
	if _, name, _ := e.cmds.Identity(context.Background(), "teams:"+annaAAD, Platform); name != "Anna Holm" {
		t.Errorf("name %q", name)
	}
	// The same activity delivered again (a retry) runs nothing twice and
	// is answered once: a change, a read, a line that is no command.
	for _, line := range []string{"wave create b4 2027-03-01", "status b3", "hvad nu"} {
		before := len(e.conn.Requests())
		act := e.message(anna, line)
		e.post(act, e.token())
		e.post(act, e.token())
		if n := len(e.conn.Requests()) - before; n != 1 {
			t.Errorf("%q delivered twice was answered %d times", line, n)
		}
	}
	if _, err := e.store.Wave(context.Background(), "b4"); err != nil {
		t.Errorf("wave b4: %v", err)
	}
}

// TestRejectedRequests: every request without a valid token is 401 (a
// body over 1 MiB 413), runs nothing, sends nothing and leaves the store
// byte for byte as it was; the Rejected hook hears why.
func TestRejectedRequests(t *testing.T) {
	e := newEnv(t)
	var reasons []string
	e.bot.cfg.Rejected = func(r string) { reasons = append(reasons, r) }
	e.say(anna, "wave create b3 2027-02-01")
	before, sent := e.storeBytes(), len(e.conn.Requests())
	now, url := e.clock.Now(), e.conn.ServiceURL()
	with := func(claim string, v any) jwt.MapClaims {
		c := claims(url, now)
		if v == nil {
			delete(c, claim)
		} else {
			c[claim] = v
		}
		return c
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims(url, now))
	none.Header["kid"] = faketeams.KeyID
	noneToken, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(url, now))
	hs.Header["kid"] = faketeams.KeyID
	hsToken, _ := hs.SignedString([]byte(appPassword))
	bearer := func(c jwt.MapClaims) string { return "Bearer " + mint(t, c, faketeams.KeyID, faketeams.Signer()) }
	cmd := "wave create evil 2027-02-01"
	body, _ := json.Marshal(e.message(anna, cmd))
	huge, _ := json.Marshal(e.message(anna, cmd+" "+strings.Repeat("x", 2<<20)))
	for _, tc := range []struct {
		name, auth string
		body       []byte
		want       int
	}{
		{"expired", bearer(with("exp", now.Add(-6*time.Minute).Unix())), body, 401},
		{"no exp", bearer(with("exp", nil)), body, 401},
		{"no nbf", bearer(with("nbf", nil)), body, 401},
		{"not yet valid", bearer(with("nbf", now.Add(6*time.Minute).Unix())), body, 401},
		{"wrong audience", bearer(with("aud", "another-bot")), body, 401},
		{"audience list without this bot", bearer(with("aud", []string{"another-bot", "a-third"})), body, 401},
		{"wrong issuer", bearer(with("iss", "https://sts.windows.net/"+tenantID+"/")), body, 401},
		{"serviceurl mismatch", bearer(with("serviceurl", "https://attacker.example/")), body, 401},
		{"no serviceurl", bearer(with("serviceurl", nil)), body, 401},
		{"serviceurl not a string", bearer(with("serviceurl", 42)), body, 401},
		{"unknown kid", "Bearer " + mint(t, claims(url, now), "not-published", faketeams.OtherSigner()), body, 401},
		{"key not endorsed for msteams", "Bearer " + mint(t, claims(url, now), faketeams.WebOnlyKeyID, faketeams.OtherSigner()), body, 401},
		{"right kid, wrong key", "Bearer " + mint(t, claims(url, now), faketeams.KeyID, faketeams.OtherSigner()), body, 401},
		{"alg none", "Bearer " + noneToken, body, 401},
		{"HS256 signed with the app password", "Bearer " + hsToken, body, 401},
		{"no Authorization header", "", body, 401},
		{"not a bearer token", "Basic " + appID + ":" + appPassword, body, 401},
		{"garbage token", "Bearer not.a.token", body, 401},
		{"2 MiB body", bearer(claims(url, now)), huge, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reasons = nil
			if code := e.postRaw(tc.body, tc.auth); code != tc.want {
				t.Errorf("answered %d, want %d", code, tc.want)
			}
			want := map[int]string{401: RejectUnauthenticated, 413: RejectTooLarge}[tc.want]
			if len(reasons) != 1 || reasons[0] != want {
				t.Errorf("rejected for %v, want %s", reasons, want)
			}
			if !bytes.Equal(e.storeBytes(), before) {
				t.Error("the store changed")
			}
			if n := len(e.conn.Requests()); n != sent {
				t.Errorf("the connector got %d requests", n-sent)
			}
		})
	}
	if _, err := e.store.Wave(context.Background(), "evil"); err == nil {
		t.Error("a rejected request created a wave")
	}
	// The same activity with a valid token is taken: the cases above were
	// refused for their tokens alone.
	reasons = nil
	if code := e.postRaw(body, bearer(claims(url, now))); code != 200 || len(reasons) != 0 {
		t.Fatalf("valid token answered %d, rejected for %v", code, reasons)
	}
	if _, err := e.store.Wave(context.Background(), "evil"); err != nil {
		t.Errorf("valid request: %v", err)
	}
}

// TestTokensWithinSkewAndListAudience: exp and nbf may be off by less
// than five minutes, and aud may be a list naming the bot.
func TestTokensWithinSkewAndListAudience(t *testing.T) {
	e := newEnv(t)
	now, url := e.clock.Now(), e.conn.ServiceURL()
	for _, c := range []jwt.MapClaims{
		{"exp": now.Add(-4 * time.Minute).Unix()},
		{"nbf": now.Add(4 * time.Minute).Unix()},
		{"aud": []string{"another-bot", appID}},
	} {
		full := claims(url, now)
		for k, v := range c {
			full[k] = v
		}
		if code := e.post(e.message(anna, "help"), mint(t, full, faketeams.KeyID, faketeams.Signer())); code != 200 {
			t.Errorf("%v: %d", c, code)
		}
	}
}

// TestUnknownKeyRefreshesAtMostOnceAMinute: the key set is fetched once
// and cached; a token naming an unknown key makes one refresh, and
// further unknown keys within the minute make none.
func TestUnknownKeyRefreshesAtMostOnceAMinute(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help")
	e.say(anna, "help")
	if m, k, _ := e.auth.Counts(); m != 1 || k != 1 {
		t.Fatalf("metadata fetched %d times, keys %d, want once each", m, k)
	}
	unknown := func() string {
		return mint(t, claims(e.conn.ServiceURL(), e.clock.Now()), "rolled-key", faketeams.OtherSigner())
	}
	for range 3 {
		if code := e.post(e.message(anna, "help"), unknown()); code != 401 {
			t.Errorf("unknown key answered %d", code)
		}
	}
	if _, k, _ := e.auth.Counts(); k != 2 {
		t.Errorf("keys fetched %d times after unknown kids, want 2", k)
	}
	// Microsoft rolls its keys: the new key is published, and a minute
	// later a token signed with it is taken.
	e.auth.Publish(faketeams.PublicJWK("rolled-key", faketeams.OtherSigner(), "msteams"))
	e.clock.Advance(61 * time.Second)
	if code := e.post(e.message(anna, "help"), unknown()); code != 200 {
		t.Errorf("rolled key after a minute answered %d", code)
	}
	if _, k, _ := e.auth.Counts(); k != 3 {
		t.Errorf("keys fetched %d times, want 3", k)
	}
}

// channelMessage is a message in a channel that mentions the bot and
// others, as Teams sends it.
func (e *env) channelMessage(from account, text string, mentioned ...account) map[string]any {
	act := e.message(from, text)
	act["conversation"] = map[string]any{"id": "19:general@thread.tacv2", "conversationType": "channel", "isGroup": true, "tenantId": tenantID}
	ents := []any{map[string]any{"type": "mention", "text": "<at>wavebot</at>", "mentioned": map[string]any{"id": "28:" + appID, "name": "wavebot"}}}
	for _, m := range mentioned {
		acc := map[string]any{"id": m.id, "name": m.name}
		if m.aad != "" {
			acc["aadObjectId"] = m.aad
		}
		ents = append(ents, map[string]any{"type": "mention", "text": "<at>" + m.name + "</at>", "mentioned": acc})
	}
	act["entities"] = ents
	return act
}

// TestChannelMentions: in a channel the bot's mention is taken out,
// others become their teams ids (asking the connector for the AAD object
// id when the mention lacks it), and the answer goes to the thread.
func TestChannelMentions(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "wave create b3 2027-02-01")
	e.say(anna, "wave enroll b3 BUF")
	e.conn.AddMember(peter.id, peterAAD)
	peterNoAAD := account{peter.id, peter.name, ""}
	act := e.channelMessage(anna, "<at>wavebot</at>&nbsp;contact b3/BUF <at>Maria Jensen</at> <at>Peter Lund</at>", maria, peterNoAAD)
	if code := e.post(act, e.token()); code != 200 {
		t.Fatalf("answered %d", code)
	}
	w, _ := e.store.Wave(context.Background(), "b3")
	e0, _ := w.Enrolment("BUF")
	if !slices.Equal(e0.Contacts, []string{"teams:" + mariaAAD, "teams:" + peterAAD}) {
		t.Errorf("contacts %v", e0.Contacts)
	}
	got := e.conn.Requests()
	last := got[len(got)-1]
	if !slices.ContainsFunc(got, func(r faketeams.Request) bool {
		return r.Method == "GET" && r.Path == "/v3/conversations/19:general@thread.tacv2/members/"+peter.id
	}) {
		t.Errorf("peter's AAD object id was not looked up: %+v", got)
	}
	if last.Path != "/v3/conversations/19:general@thread.tacv2;messageid="+act["id"].(string)+"/activities" {
		t.Errorf("answer went to %s, not the thread", last.Path)
	}
	card := cardOf(t, last)
	text := cardText(card)
	for _, want := range []string{"<at>Maria Jensen</at>", "<at>Peter Lund</at>", `"id":"` + mariaAAD + `"`, `"id":"` + peterAAD + `"`} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %s: %s", want, text)
		}
	}
	// Maria was never in a chat with the bot: what is known is where her
	// conversation can be opened.
	ref, _ := e.bot.reference(context.Background(), "teams:"+mariaAAD)
	if ref.Conversation.ID != "" || ref.ServiceURL != e.conn.ServiceURL() || ref.Conversation.TenantID != tenantID {
		t.Errorf("maria's reference %+v", ref)
	}
}

// TestChannelMessageRemembersName: a message in a channel stores its
// sender's name as Teams gives it, none leaving the stored one, and never
// replaces the personal chat's reference, which is all a channel's
// reference could be told apart from.
func TestChannelMessageRemembersName(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.say(anna, "help")
	for _, tc := range []struct{ name, want string }{
		{"Anna K. Holm", "Anna K. Holm"},
		{"", "Anna K. Holm"},
	} {
		if code := e.post(e.channelMessage(account{anna.id, tc.name, anna.aad}, "<at>wavebot</at> help"), e.token()); code != 200 {
			t.Fatalf("answered %d", code)
		}
		if _, name, _ := e.cmds.Identity(ctx, "teams:"+annaAAD, Platform); name != tc.want {
			t.Errorf("after a channel message from %q, name %q; want %q", tc.name, name, tc.want)
		}
		if ref, err := e.bot.reference(ctx, "teams:"+annaAAD); err != nil || ref.Conversation.ID != personalChat(anna) {
			t.Errorf("after a channel message from %q, reference %+v, %v; want the personal chat", tc.name, ref, err)
		}
	}
}

// TestButtonPressUpdatesCard: a pressed Action.Submit arrives with the
// command in value, runs as the person who pressed it, and the card is
// replaced in place; a refused press answers below the card instead.
func TestButtonPressUpdatesCard(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "wave create b3 2027-03-01")
	e.say(anna, "wave enroll b3 BUF")
	e.say(anna, "contact b3/BUF @teams:"+mariaAAD)
	e.say(anna, "auth request b3/BUF 2027-02-15")
	press := func(a account, command string) map[string]any {
		act := e.message(a, "")
		delete(act, "text")
		act["value"] = map[string]any{"command": command}
		act["replyToId"] = "card-7"
		return act
	}
	if code := e.post(press(maria, "auth ok b3/BUF"), e.token()); code != 200 {
		t.Fatalf("press answered %d", code)
	}
	w, _ := e.store.Wave(context.Background(), "b3")
	en, _ := w.Enrolment("BUF")
	if en.Auth == nil || en.Auth.State != wave.AuthAnswered || en.Auth.AnsweredBy != "teams:"+mariaAAD {
		t.Errorf("auth after the press: %+v", en.Auth)
	}
	got := e.conn.Requests()
	last := got[len(got)-1]
	if last.Method != "PUT" || last.Path != "/v3/conversations/"+personalChat(maria)+"/activities/card-7" {
		t.Errorf("press answered by %s %s", last.Method, last.Path)
	}
	if last.Body["id"] != "card-7" || !strings.Contains(cardText(cardOf(t, last)), "b3/BUF") {
		t.Errorf("updated card %v", last.Body)
	}
	// Peter is no contact: his press is refused and the card stays.
	if code := e.post(press(peter, "auth ok b3/BUF"), e.token()); code != 200 {
		t.Fatalf("press answered %d", code)
	}
	got = e.conn.Requests()
	last = got[len(got)-1]
	if last.Method != "POST" || !strings.HasSuffix(last.Path, "/activities") || !strings.Contains(cardText(cardOf(t, last)), "Attention") {
		t.Errorf("refused press answered by %s %s %v", last.Method, last.Path, last.Body)
	}
}

// TestUnhandledActivities: activities the bot does not handle, and
// messages from another tenant, are 200 and nothing else: no message, no
// change.
func TestUnhandledActivities(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help")
	before, sent := e.storeBytes(), len(e.conn.Requests())
	for _, typ := range []string{"typing", "messageReaction", "invoke", "event", "endOfConversation", "messageUpdate"} {
		act := e.message(anna, "wave create b9 2027-02-01")
		act["type"] = typ
		if code := e.post(act, e.token()); code != 200 {
			t.Errorf("%s answered %d", typ, code)
		}
	}
	guest := e.message(anna, "wave create b9 2027-02-01")
	guest["conversation"].(map[string]any)["tenantId"] = "another-tenant"
	guest["channelData"] = map[string]any{"tenant": map[string]any{"id": "another-tenant"}}
	var reasons []string
	e.bot.cfg.Rejected = func(r string) { reasons = append(reasons, r) }
	if code := e.post(guest, e.token()); code != 200 || len(reasons) != 1 || reasons[0] != RejectOtherTenant {
		t.Errorf("message from another tenant answered %d, rejected for %v", code, reasons)
	}
	if !bytes.Equal(e.storeBytes(), before) || len(e.conn.Requests()) != sent {
		t.Errorf("unhandled activities changed the store or sent %d messages", len(e.conn.Requests())-sent)
	}
}

// TestInstallStoresReference: installing the app or opening the chat
// stores the person's conversation, and sends nothing; an install in a
// team stores no personal conversation.
func TestInstallStoresReference(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		typ   string
		who   account
		scope string
		want  string
	}{
		{"installationUpdate", maria, "personal", personalChat(maria)},
		{"conversationUpdate", peter, "personal", personalChat(peter)},
		{"installationUpdate", anna, "channel", ""},
	} {
		act := e.message(tc.who, "")
		act["type"] = tc.typ
		act["action"] = "add"
		act["membersAdded"] = []any{map[string]any{"id": "28:" + appID}}
		act["conversation"].(map[string]any)["conversationType"] = tc.scope
		if code := e.post(act, e.token()); code != 200 {
			t.Fatalf("%s answered %d", tc.typ, code)
		}
		ref, err := e.bot.reference(context.Background(), "teams:"+tc.who.aad)
		if err != nil || ref.Conversation.ID != tc.want {
			t.Errorf("%s %s of %s: stored %+v, %v", tc.scope, tc.typ, tc.who.name, ref, err)
		}
	}
	if n := len(e.conn.Requests()); n != 0 {
		t.Errorf("installs sent %d messages", n)
	}
}

// remindersWave has anna lead b3, starting 1 March, maria (who never
// wrote to the bot) contact of b3/BUF, and the authorization feedback due
// 2027-02-15; KS's activities are skipped and the others dated after the
// test, but for training, which waits for maria's decision due 22
// February.
func remindersWave(e *env) {
	e.say(anna, "wave create b3 2027-03-01 Bølge 3")
	e.say(anna, "wave enroll b3 BUF")
	// KS skips its own; the shared ones and the forvaltning's, which take
	// maria's word, come after the test, dated before she is named, so
	// she hears of no date KS set.
	for _, a := range []string{"pc", "support", "loadtest"} {
		e.say(anna, "skip b3/BUF "+a+" not in this test")
	}
	for _, a := range []string{"kickoff", "info", "golive"} {
		e.say(anna, "due b3/BUF "+a+" 2027-04-30")
	}
	e.say(anna, "contact b3/BUF @teams:"+mariaAAD)
	e.say(anna, "auth request b3/BUF 2027-02-15")
}

// TestRemindersAtTheConnector: a reminder falling due on the fake clock
// reaches the person's chat at the fake connector, through the real
// sweeper. Maria has no stored conversation: it is opened first, in the
// bot's tenant, and stored, so the next reminder goes straight to it.
func TestRemindersAtTheConnector(t *testing.T) {
	e := newEnv(t)
	remindersWave(e)
	sent := len(e.conn.Requests())
	// Maria's welcome goes out at the first sweep after she was named.
	if n := e.sweepAt(start.Add(time.Minute)); n != 1 {
		t.Fatalf("sweep sent %d reminders", n)
	}
	got := e.conn.Requests()[sent:]
	if len(got) != 2 {
		t.Fatalf("connector got %+v", got)
	}
	create, msg := got[0], got[1]
	members, _ := create.Body["members"].([]any)
	_, _, tokens := e.auth.Counts()
	botToken := fmt.Sprintf("bot-token-%d", tokens) // the first expired while the clock moved
	if create.Method != "POST" || create.Path != "/v3/conversations" || create.Bearer != botToken || len(members) != 1 ||
		members[0].(map[string]any)["id"] != mariaAAD || create.Body["tenantId"] != tenantID ||
		create.Body["bot"].(map[string]any)["id"] != "28:"+appID {
		t.Errorf("conversation created by %s %s %v", create.Method, create.Path, create.Body)
	}
	if msg.Path != "/v3/conversations/a:created-1/activities" || msg.Bearer != botToken || msg.Body["replyToId"] != nil {
		t.Errorf("reminder went %s %s %v", msg.Method, msg.Path, msg.Body)
	}
	if card := cardText(cardOf(t, msg)); !strings.Contains(card, "Velkommen som tovholder") || !strings.Contains(card, `"command":"status b3/BUF"`) {
		t.Errorf("welcome card %s", card)
	}
	// Due soon, two business days before 2027-02-15, at 09:00: the stored
	// conversation is used.
	if n := e.sweepAt(cph.At(wave.Date{Year: 2027, Month: time.February, Day: 11}, 9, 0)); n != 1 {
		t.Fatalf("second sweep sent %d", n)
	}
	got = e.conn.Requests()[sent+2:]
	if len(got) != 1 || got[0].Path != "/v3/conversations/a:created-1/activities" {
		t.Fatalf("second reminder: %+v", got)
	}
	card := cardText(cardOf(t, got[0]))
	for _, want := range []string{"Påmindelse", "15. februar 2027", `"type":"Action.Submit"`, `"command":"auth ok b3/BUF"`, `"command":"remind snooze b3/BUF 1d"`} {
		if !strings.Contains(card, want) {
			t.Errorf("reminder card lacks %s: %s", want, card)
		}
	}
	// Due today.
	if n := e.sweepAt(cph.At(wave.Date{Year: 2027, Month: time.February, Day: 15}, 9, 0)); n != 1 {
		t.Fatalf("third sweep sent %d", n)
	}
	if got = e.conn.Requests()[sent+3:]; len(got) != 1 || got[0].Path != "/v3/conversations/a:created-1/activities" {
		t.Errorf("third reminder: %+v", got)
	}
}

// TestUnreachablePersonIsUndeliverable: when Teams refuses to open the
// conversation (the app is not installed for the person), the reminder
// is notify.ErrUndeliverable, not retried.
func TestUnreachablePersonIsUndeliverable(t *testing.T) {
	e := newEnv(t)
	e.conn.Answer(http.StatusForbidden, "")
	err := e.bot.Notify(context.Background(), notify.Digest{Recipient: "teams:" + annaAAD, Reminders: []notify.Reminder{{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF"}}})
	// Anna has no reference: opening her conversation works, the message is refused.
	if !errors.Is(err, notify.ErrUndeliverable) {
		t.Errorf("refused message: %v", err)
	}
	for _, to := range []string{"slack:U1", "teams:has space", "maria"} {
		if err := e.bot.Notify(context.Background(), notify.Digest{Recipient: to}); !errors.Is(err, notify.ErrUndeliverable) {
			t.Errorf("%s: %v", to, err)
		}
	}
}

// slackRecorder stands in for the Slack adapter's notifier.
type slackRecorder struct {
	mu  sync.Mutex
	got []notify.Digest
}

func (s *slackRecorder) Notify(_ context.Context, d notify.Digest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, d)
	return nil
}

// TestLinkedPersonHearsOnceWhereTheyLastWrote: maria is a contact by her
// Slack identity and linked to her Teams identity; each reminder reaches
// her once, on the platform she last wrote from.
func TestLinkedPersonHearsOnceWhereTheyLastWrote(t *testing.T) {
	e := newEnv(t)
	slack := &slackRecorder{}
	e.slack = slack
	e.say(anna, "wave create b3 2027-03-01")
	e.say(anna, "wave enroll b3 BUF")
	e.say(anna, "contact b3/BUF @slack:UMARIA")
	e.say(anna, "auth request b3/BUF 2027-02-15")
	// KS skips its own; the shared ones and the forvaltning's, which take
	// maria's word, come after the test.
	for _, a := range []string{"pc", "support", "loadtest"} {
		e.say(anna, "skip b3/BUF "+a+" not in this test")
	}
	for _, a := range []string{"kickoff", "info", "golive"} {
		e.say(anna, "due b3/BUF "+a+" 2027-04-30")
	}
	e.say(anna, "link @slack:UMARIA teams:"+mariaAAD)
	e.say(maria, "my") // maria writes from Teams
	sent := len(e.conn.Requests())
	if n := e.sweepAt(cph.At(wave.Date{Year: 2027, Month: time.February, Day: 11}, 9, 0)); n != 1 {
		t.Fatalf("sent %d", n)
	}
	got := e.conn.Requests()[sent:]
	if len(got) != 1 || got[0].Path != "/v3/conversations/"+personalChat(maria)+"/activities" || len(slack.got) != 0 {
		t.Fatalf("after writing from Teams: teams got %+v, slack %+v", got, slack.got)
	}
	// Maria writes from Slack: the next reminder goes there, only there.
	if r := e.cmds.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: "slack:UMARIA"}, Text: "my"}); r.Refused {
		t.Fatal(r.Lines)
	}
	sent = len(e.conn.Requests())
	if n := e.sweepAt(cph.At(wave.Date{Year: 2027, Month: time.February, Day: 15}, 9, 0)); n != 1 {
		t.Fatalf("sent %d", n)
	}
	if len(e.conn.Requests()) != sent || len(slack.got) != 1 || slack.got[0].Recipient != "slack:UMARIA" {
		t.Errorf("after writing from Slack: teams got %d, slack %+v", len(e.conn.Requests())-sent, slack.got)
	}
}
