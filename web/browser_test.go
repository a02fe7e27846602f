package web

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"wavebot/commands"
	"wavebot/notify"
	"wavebot/wave"
)

var update = flag.Bool("update", false, "rewrite the README's screenshots in docs/")

// chromium is Debian's browser, which .ci/run installs when missing.
const chromium = "/usr/bin/chromium"

// browser starts a headless Chromium for one test, on a fresh profile,
// and returns a tab. Without Chromium the test fails and says how to
// install it.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromium); err != nil {
		t.Fatalf("the browser tests need Chromium at %s: apt-get install chromium (.ci/run does)", chromium)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	ctx, stop := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	t.Cleanup(stop)
	tab, closeTab := chromedp.NewContext(ctx)
	t.Cleanup(closeTab)
	// Submitting and delivering ask for confirmation; the person agrees.
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	return tab
}

// do runs browser steps, failing the test at the first that fails.
func do(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
}

// press clicks a button that posts a form and waits for the page that
// answers.
func press(t *testing.T, tab context.Context, selector string) {
	t.Helper()
	if _, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(selector))); err != nil {
		t.Fatalf("press %s: %v", selector, err)
	}
}

// text is the text of the first element selector matches.
func text(t *testing.T, tab context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("text of %s: %v", selector, err)
	}
	return s
}

// screenshot captures the tab and, with -update, writes it to
// docs/name for the README.
func screenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil || img.Bounds().Dx() < 1000 {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if *update {
		if err := os.WriteFile(filepath.Join("..", "docs", name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// unlabelled lists the form controls of the page a screen reader could
// not name: no label, aria-label or aria-labelledby that points at text.
func unlabelled(t *testing.T, tab context.Context) []string {
	t.Helper()
	names, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`
		Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea, button"))
			.filter((el) => !el.closest("[hidden]") && el.getAttribute("aria-hidden") !== "true")
			.filter((el) => {
				if (el.tagName === "BUTTON") return el.textContent.trim() === "";
				if (el.getAttribute("aria-label")) return false;
				const by = el.getAttribute("aria-labelledby");
				if (by) return !by.split(" ").every((id) => { const n = document.getElementById(id); return n && n.textContent.trim() !== ""; });
				return !(el.labels && el.labels.length > 0 && el.labels[0].textContent.trim() !== "");
			})
			.map((el) => el.outerHTML.slice(0, 80))`))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// recorder is a chat platform that keeps what it is given to deliver.
type recorder struct {
	mu  sync.Mutex
	got []notify.Digest
}

func (r *recorder) Notify(_ context.Context, d notify.Digest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, d)
	return nil
}

// sweep runs the reminder engine once, a minute on, and returns the
// digests it delivered.
func (w *world) sweep() []notify.Digest {
	w.t.Helper()
	w.clock.Advance(time.Minute)
	rec := &recorder{}
	delivery := notify.NewDelivery(rec, w.store, w.clock)
	delivery.Pace, delivery.Attempts, delivery.Workers = 0, 1, 1
	s := &notify.Sweeper{Store: w.store, Policy: w.policy, Delivery: delivery, Clock: w.clock, Batch: 100, MaxRounds: 1, Logger: slog.New(slog.DiscardHandler)}
	if _, err := s.Sweep(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	return rec.got
}

// notice finds the reminder of kind among the digests to recipient and
// returns the message wavebot sends for that digest.
func (w *world) notice(digests []notify.Digest, recipient string, kind notify.Kind) (commands.Reply, bool) {
	for _, d := range digests {
		for _, r := range d.Reminders {
			if d.Recipient == recipient && r.Kind == kind {
				return w.cmds.Digest(context.Background(), d), true
			}
		}
	}
	return commands.Reply{}, false
}

// TestBrowserAuthList is the contact's way through the list in a real
// browser: the link from the chat reply opens the list, rows are marked
// many at once and one by one, a draft is saved, the list submitted; the
// enrolment's request is answered and the KS lead's notice goes out with
// a button that opens the list.
func TestBrowserAuthList(t *testing.T) {
	w := newWorld(t)
	tab := browser(t)
	file := filepath.Join(t.TempDir(), "koer-b3-BUF.csv")
	if err := os.WriteFile(file, koerList(12), 0o600); err != nil {
		t.Fatal(err)
	}
	// KS uploads the list pulled from KØR.
	do(t, tab, chromedp.Navigate(w.link("anna: auth list b3/BUF")), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	press(t, tab, "form.upload button")
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "Listen er indlæst med 12 brugere.") {
		t.Fatalf("upload: %q", got)
	}

	// The contact opens the link of the chat reply.
	reply := w.do("maria: auth list b3/BUF")
	if reply.Actions[0].Label != "Åbn autorisationslisten" {
		t.Fatalf("chat reply: %+v", reply)
	}
	do(t, tab, chromedp.Navigate(reply.Actions[0].URL), chromedp.WaitVisible(chromedp.CSS("#select-all")))
	// Everybody ok at once, then user 3 to be corrected.
	do(t, tab,
		chromedp.Click(chromedp.CSS("#select-all")),
		chromedp.SetValue(chromedp.CSS("#bulk"), "ok"),
	)
	press(t, tab, `button[value=bulk]`)
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "12 rækker er gemt.") {
		t.Fatalf("bulk: %q", got)
	}
	// Filtering in place: only BU3 is left, and the count says so.
	do(t, tab, chromedp.SendKeys(chromedp.CSS("#q"), "BU3"))
	if got := text(t, tab, "#shown"); got != "Viser 1 af 12 rækker." {
		t.Errorf("after filtering: %q", got)
	}
	do(t, tab,
		chromedp.SetValue(chromedp.CSS(`select[name=d3]`), "fix"),
		chromedp.SendKeys(chromedp.CSS(`input[name=w3]`), "Godkender"),
		chromedp.SendKeys(chromedp.CSS(`input[name=n3]`), "Leder af Dagtilbud Nord"),
	)
	press(t, tab, `.actions button[value=save]`)
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "1 række er gemt.") {
		t.Fatalf("draft: %q", got)
	}
	if l := w.list(); l.Rows[2].Decision != wave.DecisionFix || l.Rows[2].Wanted != "Godkender" || l.Submitted {
		t.Fatalf("row 3 after the draft: %+v", l.Rows[2])
	}
	if bad := unlabelled(t, tab); len(bad) > 0 {
		t.Errorf("controls without a name: %q", bad)
	}
	screenshot(t, tab, "authlist.png")
	press(t, tab, `button[value=submit]`)
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "b3/BUF: Tak, rettelserne er sendt til KS.") {
		t.Fatalf("submit: %q", got)
	}

	e := w.enrolment()
	if a := e.Auth; a.State != wave.AuthAnswered || a.OK || a.AnsweredBy != "maria" || !strings.Contains(a.Note, "1 af 12 brugere skal rettes") {
		t.Fatalf("authorization request after submitting: %+v", a)
	}
	msg, ok := w.notice(w.sweep(), "anna", notify.AuthAnswered)
	if !ok {
		t.Fatal("the KS lead was not told")
	}
	body := strings.Join(append(msg.Lines, sectionLines(msg)...), "\n")
	if !strings.Contains(body, "Svaret kom med autorisationslisten: 1 af 12 brugere skal rettes.") {
		t.Errorf("the lead's notice says %q", body)
	}
	var open string
	for _, a := range msg.Actions {
		if a.URL != "" {
			open = a.URL
		}
	}
	// The lead's button opens the list, for the lead.
	do(t, tab, chromedp.Navigate(open))
	if got := text(t, tab, "#changes-h"); got != "Rettelser, der skal laves i KØR" {
		t.Errorf("the lead's link opens %q", got)
	}
	if again, _ := w.notice(w.sweep(), "anna", notify.AuthAnswered); again.Title != "" {
		t.Error("the lead was told twice")
	}
}

func sectionLines(r commands.Reply) []string {
	var out []string
	for _, s := range r.Sections {
		out = append(out, s.Lines...)
	}
	return out
}

// TestBrowserTemplate is a unit filling in the authorization template in
// a real browser: the central decisions first, then rows with two
// mistakes, which the page names by row and rule; fixed, the template is
// delivered, the workflow steps are done, the KS lead is told, and the
// export opens in excelize with the rows.
func TestBrowserTemplate(t *testing.T) {
	w := newWorld(t)
	tab := browser(t)
	w.do("maria: workflow BUF done group")
	link := w.link("maria: workflow BUF template")

	do(t, tab, chromedp.Navigate(link))
	if _, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`a[href$="/beslutninger"]`))); err != nil {
		t.Fatal(err)
	}
	do(t, tab,
		chromedp.SendKeys(chromedp.CSS("#role-attestant"), "Sagsbehandlere attesterer fakturaer for egen enhed"),
		chromedp.SendKeys(chromedp.CSS("#role-godkender"), "Ledere godkender inden for deres beløbsgrænse"),
		chromedp.SendKeys(chromedp.CSS(`input[name=lname0]`), "Leder"),
		chromedp.SendKeys(chromedp.CSS(`input[name=llimit0]`), "100.000"),
		chromedp.SendKeys(chromedp.CSS(`input[name=lname1]`), "Medarbejder"),
		chromedp.SendKeys(chromedp.CSS(`input[name=llimit1]`), "10.000"),
		chromedp.SetValue(chromedp.CSS("#units"), "1000;Børne- og Ungdomsforvaltningen;\n1200;Dagtilbud Nord;1000\n1300;Dagtilbud Syd;1000\n"),
	)
	press(t, tab, "form[enctype] button.primary")
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "2 stillingsniveauer og 3 enheder") {
		t.Fatalf("decisions: %q", got)
	}
	press(t, tab, "form.complete button")
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "Centrale beslutninger") {
		t.Fatalf("decisions step: %q", got)
	}
	// KS presents KØR workflow at the forvaltning's presentation meeting.
	w.do("anna: workflow BUF done presentation")
	w.do("maria: workflow BUF done presentation")

	do(t, tab, chromedp.Navigate(link))
	rows := []struct{ unit, user, name, role, level, amount string }{
		{"1200", "AB12", "Anne Bech", "attestant", "Medarbejder", "5.000"},
		{"1200", "CD34", "Carl Dahl", "godkender", "Leder", "500.000"}, // above the level's limit
		{"9999", "EF56", "Eva Fisker", "dispatcher", "", ""},           // no such org.nr.
	}
	for i, r := range rows {
		n := string(rune('0' + i))
		do(t, tab,
			chromedp.SetValue(chromedp.CSS(`input[name=nu`+n+`]`), r.unit),
			chromedp.SendKeys(chromedp.CSS(`input[name=ni`+n+`]`), r.user),
			chromedp.SendKeys(chromedp.CSS(`input[name=nn`+n+`]`), r.name),
			chromedp.SetValue(chromedp.CSS(`select[name=nr`+n+`]`), r.role),
			chromedp.SetValue(chromedp.CSS(`select[name=nl`+n+`]`), r.level),
			chromedp.SendKeys(chromedp.CSS(`input[name=na`+n+`]`), r.amount),
		)
	}
	press(t, tab, `.actions button[value=save]`)
	problems := text(t, tab, ".problems ul")
	for _, want := range []string{
		"Række 2: Beløbsgrænsen er højere end niveauets grænse (100.000 kr.).",
		"Række 3: Org.nr. »9999« findes ikke i org.nr. hierarkiet.",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	if strings.Count(problems, "Række") != 2 {
		t.Errorf("problems: %q; want exactly the two mistakes", problems)
	}
	if got := text(t, tab, "#row-2 .row-problems"); !strings.Contains(got, "Beløbsgrænsen") {
		t.Errorf("row 2 does not name its problem: %q", got)
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[int](`window.scrollTo(0, document.getElementById("problems-h").offsetTop - 16); 0`)); err != nil {
		t.Fatal(err)
	}
	if bad := unlabelled(t, tab); len(bad) > 0 {
		t.Errorf("controls without a name: %q", bad)
	}
	screenshot(t, tab, "template.png")

	do(t, tab,
		chromedp.SetValue(chromedp.CSS(`input[name=ta2]`), "50.000"),
		chromedp.SetValue(chromedp.CSS(`input[name=tu3]`), "1200"),
	)
	press(t, tab, `button[value=deliver]`)
	outcome := text(t, tab, "#outcome")
	for _, want := range []string{"BUF: Autorisationsskabelonen er afleveret til Brugeradministrationen med 3 rækker.", "KS-projektleder @anna har fået besked"} {
		if !strings.Contains(outcome, want) {
			t.Errorf("delivery said %q; want %q", outcome, want)
		}
	}
	wv, err := w.store.Wave(context.Background(), "b3")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := wv.Enrolment("BUF")
	track := e.Workflow
	for _, key := range []string{"template", "deliver"} {
		if s, _ := track.Step(key); !s.Done || s.DoneBy != "maria" {
			t.Errorf("step %s: %+v", key, s)
		}
	}
	if msg, ok := w.notice(w.sweep(), "anna", notify.TemplateDelivered); !ok || !strings.Contains(strings.Join(sectionLines(msg), " ")+strings.Join(msg.Lines, " "), "så KS kan autorisere brugerne til workflow") {
		t.Errorf("the lead's notice: %+v (found %v)", msg, ok)
	}

	res, err := http.Get(link + "/skabelon.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	f, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.GetRows("Autorisationsskabelon")
	want := [][]string{
		{"Org.nr.", "Enhedens navn", "BrugerID", "Navn", "Rolle", "Stillingsniveau", "Beløbsgrænse (kr.)", "Begrundelse for undtagelse"},
		{"1200", "Dagtilbud Nord", "AB12", "Anne Bech", "Attestant", "Medarbejder", "5000"},
		{"1200", "Dagtilbud Nord", "CD34", "Carl Dahl", "Godkender", "Leder", "50000"},
		{"1200", "Dagtilbud Nord", "EF56", "Eva Fisker", "Dispatcher (fakturafordeler)"},
	}
	if len(got) < 5 || got[1][0] != "Forvaltning: BUF" {
		t.Fatalf("export: %q", got)
	}
	for i, row := range want {
		if strings.Join(got[i+4], "|") != strings.Join(row, "|") {
			t.Errorf("export row %d = %q, want %q", i, got[i+4], row)
		}
	}
}
