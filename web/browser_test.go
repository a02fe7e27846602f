package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"wavebot/commands"
	"wavebot/internal/catalog"
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
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "Stillingsniveauer: 2. Enheder i org.nr. hierarkiet: 3.") {
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
	track, err := w.store.Workflow(context.Background(), "BUF")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"template", "deliver"} {
		if s, _ := track.Steps.Step(key); !s.Done || s.DoneBy != "maria" {
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
		{"1200", "Dagtilbud Nord", "EF56", "Eva Fisker", "Dispatcher/fakturafordeler"},
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

// reviewList is a list from KØR with n users whose authorizations vary
// as a forvaltning's do; one of them is named like a role of the
// template.
func reviewList(n int) []byte {
	auths := []string{"Indkøber", "Attestant", "Godkender op til 50.000 kr.", "Rekvirent", "Fakturafordeler Dagtilbud Nord"}
	var b strings.Builder
	b.WriteString("BrugerID;Navn;Org.nr.;Autorisation\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "BU%d;Bruger %d;1200;%s\r\n", i, i, auths[i%len(auths)])
	}
	return []byte(b.String())
}

// box is where an element is drawn in the viewport, by the browser's
// own geometry.
type box struct {
	Top, Bottom, Left, Right float64
	// Hit is set when a click at the box's centre reaches the element,
	// not something drawn over it.
	Hit bool
	// ViewWidth and ViewHeight are the viewport's size.
	ViewWidth, ViewHeight float64
}

// inView reports whether the whole box is in the viewport and a click on
// it reaches it.
func (b box) inView() bool {
	return b.Hit && b.Top >= 0 && b.Left >= 0 && b.Bottom <= b.ViewHeight && b.Right <= b.ViewWidth
}

func (b box) centre() (x, y float64) { return (b.Left + b.Right) / 2, (b.Top + b.Bottom) / 2 }

// where is the box of the first element selector matches.
func where(t *testing.T, tab context.Context, selector string) box {
	t.Helper()
	sel, _ := json.Marshal(selector)
	b, err := chromedp.Run(tab, chromedp.Evaluate[box](`((el) => {
		const r = el.getBoundingClientRect();
		const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
		return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, hit: !!hit && el.contains(hit), viewWidth: innerWidth, viewHeight: innerHeight};
	})(document.querySelector(`+string(sel)+`))`))
	if err != nil {
		t.Fatalf("where is %s: %v", selector, err)
	}
	return b
}

// scrollPage scrolls the document to a fraction of the way down (0 the
// top, 1 the bottom) and fails the test unless the document scrolled
// there.
func scrollPage(t *testing.T, tab context.Context, fraction float64) {
	t.Helper()
	got, err := chromedp.Run(tab, chromedp.Evaluate[[2]float64](fmt.Sprintf(`(() => {
		const max = document.scrollingElement.scrollHeight - innerHeight;
		window.scrollTo(0, Math.round(max * %g));
		return [scrollY, max];
	})()`, fraction)))
	if err != nil {
		t.Fatal(err)
	}
	if y, max := got[0], got[1]; max < 1000 || math.Abs(y-math.Round(max*fraction)) > 1 {
		t.Fatalf("the document scrolled to %v of %v, want %v of the way down", y, max, fraction)
	}
}

// scrollBox is an element of the page with a scrollbar of its own.
type scrollBox struct {
	Name                 string
	Across, Down         bool
	Region, Focus, Named bool
}

// scrollBoxes are the elements of the page that scroll by themselves, and
// whether the document scrolls sideways.
func scrollBoxes(t *testing.T, tab context.Context) ([]scrollBox, bool) {
	t.Helper()
	got, err := chromedp.Run(tab, chromedp.Evaluate[struct {
		Boxes    []scrollBox
		Sideways bool
	}](`({
		boxes: Array.from(document.querySelectorAll("body *")).map((el) => {
			const s = getComputedStyle(el);
			return {
				name: el.tagName.toLowerCase() + (el.className ? "." + el.className : ""),
				across: /auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth,
				down: /auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight,
				region: el.getAttribute("role") === "region", focus: el.tabIndex === 0, named: !!el.getAttribute("aria-labelledby"),
			};
		}).filter((b) => b.across || b.down),
		sideways: document.scrollingElement.scrollWidth > innerWidth,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	return got.Boxes, got.Sideways
}

// rowAt is the id of the list's row drawn at the viewport's centre.
func rowAt(t *testing.T, tab context.Context) string {
	t.Helper()
	id, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.elementFromPoint(innerWidth / 2, innerHeight / 2).closest("tr").querySelector("th[id]").id.slice(1)`))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// actionsInView fails the test unless "Gem kladde" and "Indsend til KS"
// are in the viewport, clickable, at the document's middle and bottom,
// with the rows above and below the viewport in the middle.
func actionsInView(t *testing.T, tab context.Context) {
	t.Helper()
	for _, at := range []float64{1, 0.5} {
		scrollPage(t, tab, at)
		for _, button := range []string{`.actions button[value=save]`, `.actions button[value=submit]`} {
			if b := where(t, tab, button); !b.inView() {
				t.Errorf("scrolled %v of the way down, %s is not in view or not clickable: %+v", at, button, b)
			}
		}
	}
	if rows := where(t, tab, "table[data-rows]"); rows.Top >= 0 || rows.Bottom <= rows.ViewHeight {
		t.Errorf("in the middle the rows do not run past both edges of the viewport (%+v): the page proves nothing", rows)
	}
}

// focusClear moves by keyboard from the last row drawn clear of the
// buttons down into the next, and from the first row drawn clear of the
// column headings up into the one before, and fails the test unless the
// field that gets focus is scrolled clear of both.
func focusClear(t *testing.T, tab context.Context) {
	t.Helper()
	// On a narrow screen the headings scroll away with the rows.
	bar, head := where(t, tab, ".actions"), where(t, tab, "table[data-rows] thead th:last-child")
	head.Bottom = max(head.Bottom, 0)
	ids, err := chromedp.Run(tab, chromedp.Evaluate[[2]string](fmt.Sprintf(`(() => {
		const rows = Array.from(document.querySelectorAll("table[data-rows] tbody tr"));
		const top = (r, name) => r.querySelector("[name^=" + name + "]").getBoundingClientRect().top;
		const bottom = (r, name) => r.querySelector("[name^=" + name + "]").getBoundingClientRect().bottom;
		const under = rows.findIndex((r) => bottom(r, "s") > %[1]g);
		const over = rows.findLastIndex((r) => top(r, "n") < %[2]g);
		if (under < 1 || over < 0) throw new Error("no row is hidden at both edges");
		return [rows[under - 1].querySelector("th").id.slice(1), rows[over + 1].querySelector("th").id.slice(1)];
	})()`, bar.Top, head.Bottom)))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		from, to string
		keys     []chromedp.KeyOption
	}{
		{from: "n" + ids[0], to: "s"},
		{from: "s" + ids[1], to: "n", keys: []chromedp.KeyOption{chromedp.KeyModifiers(chromedp.ModifierShift)}},
	} {
		do(t, tab,
			chromedp.Evaluate[chromedp.Void](`document.querySelector("[name=`+step.from+`]").focus({preventScroll: true})`),
			chromedp.KeyEvent(kb.Tab, step.keys...))
		name, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement.name`))
		if err != nil || !strings.HasPrefix(name, step.to) {
			t.Fatalf("tab from %s reached %q (%v)", step.from, name, err)
		}
		bar, head := where(t, tab, ".actions"), where(t, tab, "table[data-rows] thead th:last-child")
		head.Bottom = max(head.Bottom, 0)
		if f := where(t, tab, "[name="+name+"]"); !f.inView() || f.Bottom > bar.Top || f.Top < head.Bottom {
			t.Errorf("tab from %s: %s is hidden (%+v; buttons from %v, headings to %v)", step.from, name, f, bar.Top, head.Bottom)
		}
	}
}

// TestBrowserReviewOf200Rows is a contact going through 200 rows:
// wherever the page is scrolled, "Gem kladde" and "Indsend til KS" are in
// view and answer a real click, the document is the only thing that
// scrolls, the column headings stay on top, a field reached by keyboard
// is never hidden under them or the buttons, and the wanted
// authorization offers the list's authorizations and the template's
// roles and takes any other text. On a phone, without JavaScript, the
// buttons are in view too and only the rows scroll sideways.
func TestBrowserReviewOf200Rows(t *testing.T) {
	w := newWorld(t)
	if code, body := w.upload(w.link("anna: auth list b3/BUF"), "file", "koer.csv", reviewList(200), nil); code != 200 {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	// Every row is ok but row 7, where a colleague asked for another
	// authorization.
	maria := w.link("maria: auth list b3/BUF")
	_, body := get(t, maria)
	v := pageValues(body)
	for i := 1; i <= 200; i++ {
		v.Set("s"+strconv.Itoa(i), "1")
	}
	v.Set("bulk", "ok")
	v.Set("do", "bulk")
	w.post(maria, "save", v)
	_, body = get(t, maria)
	v = pageValues(body)
	v.Set("d7", "fix")
	v.Set("w7", "Attestant for Dagtilbud Syd")
	v.Set("do", "save")
	if code, body := w.post(maria, "save", v); code != 200 || !strings.Contains(body, "1 række er gemt.") {
		t.Fatalf("row 7: %d\n%s", code, body)
	}

	tab := browser(t)
	do(t, tab, chromedp.Navigate(maria), chromedp.WaitVisible(chromedp.CSS("#select-all")))
	if boxes, sideways := scrollBoxes(t, tab); len(boxes) > 0 || sideways {
		t.Errorf("the document should be the only thing that scrolls; also %+v, sideways %v", boxes, sideways)
	}
	actionsInView(t, tab)
	if head := where(t, tab, "table[data-rows] thead th:last-child"); head.Top < 0 || head.Top > 1 || !head.Hit {
		t.Errorf("the column headings scrolled away: %+v", head)
	}

	focusClear(t, tab)

	// The wanted authorization offers the list's authorizations and the
	// template's roles, once each.
	offered, err := chromedp.Run(tab, chromedp.Evaluate[[][]string](`["input[name=w1]", "input[name=w150]", "#bulkwanted"].map((s) => {
		const list = document.querySelector(s).list;
		return list ? Array.from(list.options, (o) => o.value) : [];
	})`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{catalog.RoleAttestantLabel.In("da"), catalog.RoleGodkenderLabel.In("da"), catalog.RoleDispatcherLabel.In("da"),
		"Attestant for Dagtilbud Syd", "Fakturafordeler Dagtilbud Nord", "Godkender op til 50.000 kr.", "Indkøber", "Rekvirent"}
	for i, got := range offered {
		if !slices.Equal(got, want) {
			t.Errorf("input %d offers %q, want %q", i, got, want)
		}
	}

	// In the middle of the list, the row in view is to be corrected to an
	// authorization of the contact's own words, saved by a click on the
	// button where it is drawn.
	scrollPage(t, tab, 0.5)
	id := rowAt(t, tab)
	do(t, tab,
		chromedp.SetValue(chromedp.CSS(`select[name=d`+id+`]`), "fix"),
		chromedp.SendKeys(chromedp.CSS(`input[name=w`+id+`]`), "Fakturamodtager for Dagtilbud Nord"))
	scrollPage(t, tab, 0.5)
	save := where(t, tab, `.actions button[value=save]`)
	if !save.inView() {
		t.Fatalf("Gem kladde is not in view: %+v", save)
	}
	if _, err := chromedp.RunResponse(tab, chromedp.MouseClickXY(save.centre())); err != nil {
		t.Fatal(err)
	}
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "1 række er gemt.") {
		t.Fatalf("saving row %s: %q", id, got)
	}
	n, _ := strconv.Atoi(id)
	if l := w.list(); l.Rows[n-1].Decision != wave.DecisionFix || l.Rows[n-1].Wanted != "Fakturamodtager for Dagtilbud Nord" {
		t.Fatalf("row %s after saving: %+v", id, l.Rows[n-1])
	}
	scrollPage(t, tab, 0.5)
	submit := where(t, tab, `.actions button[value=submit]`)
	if !submit.inView() {
		t.Fatalf("Indsend til KS is not in view: %+v", submit)
	}
	if _, err := chromedp.RunResponse(tab, chromedp.MouseClickXY(submit.centre())); err != nil {
		t.Fatal(err)
	}
	if got := text(t, tab, "#outcome"); !strings.Contains(got, "b3/BUF: Tak, rettelserne er sendt til KS.") || !w.list().Submitted {
		t.Fatalf("submitting: %q", got)
	}

	t.Run("phone", func(t *testing.T) {
		w := newWorld(t)
		w.upload(w.link("anna: auth list b3/BUF"), "file", "koer.csv", reviewList(200), nil)
		maria := w.link("maria: auth list b3/BUF")
		tab := browser(t)
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(maria))
		boxes, sideways := scrollBoxes(t, tab)
		for _, b := range boxes {
			if b.Down || !b.Region || !b.Focus || !b.Named {
				t.Errorf("%+v scrolls by itself; only the rows may, sideways, in a named region reached by keyboard", b)
			}
		}
		if sideways {
			t.Error("the document scrolls sideways")
		}
		if js, err := chromedp.Run(tab, chromedp.Evaluate[bool](`!document.getElementById("select-all").hidden`)); err != nil || js {
			t.Fatalf("the page ran its script (%v)", err)
		}
		actionsInView(t, tab)
		focusClear(t, tab)
		scrollPage(t, tab, 0.5)
		id := rowAt(t, tab)
		do(t, tab, chromedp.SendKeys(chromedp.CSS(`input[name=n`+id+`]`), "Set på telefonen"))
		scrollPage(t, tab, 0.5)
		save := where(t, tab, `.actions button[value=save]`)
		if !save.inView() {
			t.Fatalf("Gem kladde is not in view: %+v", save)
		}
		if _, err := chromedp.RunResponse(tab, chromedp.MouseClickXY(save.centre())); err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(id)
		if r := w.list().Rows[n-1]; r.Note != "Set på telefonen" {
			t.Fatalf("row %s after saving: %+v", id, r)
		}
	})
}
