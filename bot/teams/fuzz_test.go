package teams

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzMessages sends arbitrary bodies to POST /api/messages, without a
// token, with a garbage one and with a valid one (which a body's own
// serviceUrl may not match), and arbitrary text and button values in
// otherwise valid activities: nothing panics, nothing unauthenticated is
// taken, and every valid activity is answered 200.
func FuzzMessages(f *testing.F) {
	e := newEnv(f)
	valid := e.token()
	seed, _ := json.Marshal(e.message(anna, "status b3"))
	for _, s := range []struct{ body, text, command string }{
		{string(seed), "status b3", ""},
		{`{"type":"message","value":"x"}`, "<at>wavebot</at> help", "auth ok b3/BUF"},
		{`{"type":"installationUpdate","from":{"aadObjectId":"x y"}}`, "wave create b3 2027-02-01", "contact b3/BUF @teams:"},
		{`[]`, "&lt;at&gt;", "link @x teams:y"},
		{`{"entities":[{"type":"mention","text":"","mentioned":{}}]}`, "\x00\xff", ""},
	} {
		f.Add([]byte(s.body), s.text, s.command)
	}
	f.Fuzz(func(t *testing.T, body []byte, text, command string) {
		e.t = t
		for auth, allowed := range map[string][]int{"": {401}, "Bearer x.y.z": {400, 401}, "Bearer " + valid: {200, 400, 401}} {
			if code := e.postRaw(body, auth); !contains(allowed, code) {
				t.Errorf("%q with %q: %d", body, auth, code)
			}
		}
		act := e.message(maria, text)
		if command != "" {
			act["value"] = map[string]any{"command": command}
			act["replyToId"] = "card-1"
		}
		act["entities"] = []any{map[string]any{"type": "mention", "text": text, "mentioned": map[string]any{"id": text, "name": text}}}
		if code := e.post(act, valid); code != http.StatusOK {
			t.Errorf("valid activity with %q / %q: %d", text, command, code)
		}
	})
}

func contains(codes []int, c int) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}
