package commands

import (
	"context"
	"strings"
	"testing"
)

// TestHome: a contact's home holds their tasks and the enrolments they
// take part in, each with a status button; someone in no wave is told so.
func TestHome(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-01-27")
	ctx := context.Background()
	r := f.d.Home(ctx, Caller{ID: "maria"})
	wantIn(t, text(r), `"Command":"home"`, "Åbne opgaver for @maria", "giv tilbagemelding på autorisationerne",
		`"Title":"b3/BUF – Bølge 3"`, `"Command":"status b3/BUF"`)
	if strings.Contains(text(r), "b3/SUF") {
		t.Errorf("maria's home shows SUF, which she has no part in:\n%s", text(r))
	}
	lead := f.d.Home(ctx, Caller{ID: "anna"})
	if len(lead.Sections) != 2 || len(lead.Actions) != 2 {
		t.Errorf("the KS lead's home: %s", text(lead))
	}
	wantIn(t, text(f.d.Home(ctx, Caller{ID: "vera"})), "Du er ikke KS-projektleder eller tovholder i nogen aktiv bølge.")
	if r := f.d.Home(ctx, Caller{ID: "bad id"}); !r.Refused {
		t.Errorf("a bad caller got a home: %s", text(r))
	}
}

// TestName: a name is empty until an adapter stores one, also for people
// wavebot has not met.
func TestName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, who := range []string{"slack:U1", "nobody"} {
		if n, err := f.d.Name(ctx, who); n != "" || err != nil {
			t.Errorf("%s: %q %v", who, n, err)
		}
	}
	if err := f.d.SetName(ctx, "slack:U1", "Maria Holm"); err != nil {
		t.Fatal(err)
	}
	if n, err := f.d.Name(ctx, "slack:U1"); n != "Maria Holm" || err != nil {
		t.Errorf("after SetName: %q %v", n, err)
	}
}
