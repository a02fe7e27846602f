package teams

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkMessage measures one "status b3/BUF" message through the
// endpoint: token validation with cached keys, the command on bolt, the
// card rendered and posted to the fake connector with a cached token.
func BenchmarkMessage(b *testing.B) {
	e := newEnv(b)
	for _, line := range []string{"wave create b3 2027-02-01", "wave enroll b3 BUF", "contact b3/BUF @teams:" + mariaAAD} {
		e.say(anna, line)
	}
	token := e.token()
	act := e.message(maria, "status b3/BUF")
	b.ResetTimer()
	for i := range b.N {
		act["id"] = fmt.Sprintf("bench-%d", i)
		body, _ := json.Marshal(act)
		if code := e.postRaw(body, "Bearer "+token); code != 200 {
			b.Fatalf("answered %d", code)
		}
	}
}
