package commands

import (
	"strings"
	"testing"
)

// FuzzDispatch feeds arbitrary command lines to the dispatcher as the admin
// and then as b3/BUF's contact, each to a fresh store, so a failure
// reproduces from its input alone: nothing panics, every input gets an
// answer, and a refused command leaves the store exactly as it was.
func FuzzDispatch(f *testing.F) {
	for _, seed := range []string{
		"wave create b4 2027-02-01 Bølge 4", "wave enroll b3 KFF", "contact b3/BUF @x", "status", "status b3",
		"status b3/BUF", "done b3/BUF kickoff note", "due b3/BUF info 31.01.2027", "auth request b3/BUF 2027-02-15",
		"auth ok b3/BUF", "auth fix b3/BUF x", "eval b3/BUF 2027-04-01", "workflow BUF done group", "my", "log b3/BUF",
		"role @x contact BUF", "lang en", "help wave", "wave create b5 2027-02-30", "done b3/ kickoff", "/", "@", "b3/BUF/x",
		"wave lead b3 @", "contact b3/BUF @a/b", "\x00", "hjælp færdig", "remind list", "remind snooze b3/BUF 1d", "remind snooze b3/BUF/pc 4h", "påmind udsæt b3/SUF 3D", "done b3/BUF kickoff " + string(make([]byte, 300)),
		"contact b3/BUF @maria! @<script>", "contact b3/BUF @slack:u1 @teams:29:x", "done b3/BUF info " + strings.Repeat("x", 1001),
		"wave create b6 2027-02-01 " + strings.Repeat("n", 101), "status " + strings.Repeat("b", 2001), "help as", "role @x læser",
		"done b3/BUF kickoff", "wave lead b3 @maria", "workflow BUF undo group", "status Ærø\"", "due b3/BUF info 2027-01-29 extra",
		"training b3/BUF no like net banking", "uddannelse b3/BUF ja 2027-01-28", "training b3/BUF yes", "contact b3/BUF remove @maria",
		"kontakt b3/BUF sæt @x @y", "contact b3/BUF fjern", "workflow BUF due group 2027-01-27", "workflow b3/BUF done presentation",
		"workflow KFF contact @x", "workflow KFF kontakt fjern @x", "workflow KFF agreement projektledelse note", "workflow KFF aftale slut",
		"workflow KFF agreement end undervisning", "workflow KFF agreement", "workflow KFF teaching 2027-02-01 note", "workflow KFF undervisning aflys 2027-02-01",
		"workflow KFF teaching done", "remind snooze BUF/deliver 1d", "remind snooze KFF/undervisning-2027-02-01 4h", "remind snooze BUF/x/y 1d",
		"status BUF", "log BUF", "skip b3/BUF pc not needed", "auth request b3/BUF 2027-01-27", "due b3/BUF golive 2027-01-23",
		"overview", "oversigt 2", "overview -1", "auth pending 1", "overdue BUF 2", "overdue 0", "status BUF 9", "due b3 info 2027-01-28",
		"auth request b3 2027-01-29", "done b3 pc", "done b3 info", "wave move b3 2027-02-08", "bølge flyt b3 01.02.2027",
		"wave close b3", "wave report b3", "wave list --alle", "wave list x", "eval note b3/BUF god", "evaluering notat",
		"eval b3/BUF", "subscribe b3", "unsubscribe b3/BUF", "timeline b3", "tidslinje b9", "calendar", "kalender nulstil",
		"calendar x y", "my 2", "mine 0", "status all 2", "status alle x", "status b3 2", "status b3/BUF 2", "wave list --all 2",
		"wave list 3 4", "wave report b3 2", "bølge rapport b3 -1", "remind list 2", "påmind liste +1",
		"skip b3/BUF kickoff holdt med b2", "spring b3/BUF evaluation ingen tid", "remind snooze b3 1d", "done b3 golive",
		"done b3/BUF evaluation", "contact b3/BUF @kim", "role @maria ks",
		"info b3/BUF 2027-01-26 Husum Skole, Ungdomsskolen", "informationsmøde b3/BUF 2027-01-18 alle", "info b3/BUF 2027-01-26 fjern",
		"info b3/BUF 31.02.2027", "info b3/BUF 2027-01-26 ,,;", "info b3/BUF 2027-01-23 x", "info b3/BUF 2027-01-26 a\x00b",
		"info b3/BUF 2027-01-26 " + strings.Repeat("Enhed, ", 280), "info b3/BUF 2027-01-26 " + strings.Repeat("x", 201),
		"units b3/BUF", "enheder b3/BUF tilføj Husum Skole; Sundhedsplejen", "units b3/BUF remove x", "units b3/BUF fjern",
		"units b3/BUF 2", "units b3/BUF -1", "units b3/BUF 2 3", "units b3/BUF slet x", "units b3", "guides", "vejledninger b3",
		"guides b9", "guides b3 x", "due b3/BUF training 2027-01-27", "frist b3/BUF info 2027-02-02", "due b3/BUF pc 2027-01-27",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fx := newFixture(t)
		for _, who := range []string{"anna", "maria"} {
			before := fx.snapshot()
			r := fx.do(who + ": " + line)
			if len(r.Lines) == 0 && r.Title == "" && len(r.Sections) == 0 {
				t.Fatalf("%s: %q: empty reply", who, line)
			}
			if r.Refused && fx.snapshot() != before {
				t.Fatalf("%s: %q was refused but changed the store", who, line)
			}
		}
	})
}
