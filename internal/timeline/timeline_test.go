package timeline

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"wavebot/wave"
)

var update = flag.Bool("update", false, "rewrite the golden images")

var cph = wave.Copenhagen()

// sample is a wave of three forvaltninger on 22 February 2027: BUF's
// kick-off and information meeting done, after one meeting held and with
// one more planned; SUF's training skipped, SUF and TMF behind with their
// kick-off and information meeting.
func sample(t testing.TB) wave.Wave {
	t.Helper()
	enrolled := cph.At(wave.Date{Year: 2026, Month: 12, Day: 1}, 12, 0)
	w, err := wave.New("b1", "Bølge 1 – selvbetjening", wave.Date{Year: 2027, Month: 3, Day: 1}, "anna", enrolled)
	if err != nil {
		t.Fatal(err)
	}
	for _, fv := range []string{"BUF", "SUF", "TMF"} {
		if _, err := w.Enroll(fv, wave.DefaultTemplate(), cph, enrolled); err != nil {
			t.Fatal(err)
		}
	}
	buf, _ := w.Enrolment("BUF")
	buf.Confirm("kickoff", []wave.Party{wave.PartyKS}, "", "anna", enrolled)
	buf.Confirm("kickoff", []wave.Party{wave.PartyFV}, "", "maria", enrolled)
	buf.Confirm("info", []wave.Party{wave.PartyFV}, "", "maria", enrolled)
	buf.RecordMeeting(wave.Date{Year: 2027, Month: 2, Day: 15}, []string{"Husum Skole"}, "maria", enrolled)
	buf.RecordMeeting(wave.Date{Year: 2027, Month: 2, Day: 24}, []string{"Ungdomsskolen"}, "maria", enrolled)
	suf, _ := w.Enrolment("SUF")
	suf.DecideTraining(false, "som netbank", wave.Date{}, "søren", enrolled)
	suf.SetStatus("loadtest", wave.StatusSkipped, "få brugere", "anna", enrolled)
	return w
}

var today = wave.Date{Year: 2027, Month: 2, Day: 22}

// TestTimeline compares the picture with testdata/TestTimeline.golden.png
// (go test -update rewrites it), allowing for the few pixels that
// anti-aliasing may draw otherwise on another machine: at most 0.5% may
// differ, each channel by more than a fifth.
func TestTimeline(t *testing.T) {
	got, err := PNG(sample(t), today, "da")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", t.Name()+".golden.png")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	a, b := decode(t, got), decode(t, want)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("the picture is %v, the golden one %v", a.Bounds(), b.Bounds())
	}
	if n, total := differing(a, b), a.Bounds().Dx()*a.Bounds().Dy(); n*200 > total {
		os.WriteFile(filepath.Join(t.TempDir(), "got.png"), got, 0o644)
		t.Errorf("%d of %d pixels differ from %s (go test -update accepts the new picture)", n, total, golden)
	}
	if w := a.Bounds().Dx(); w != 1080 {
		t.Errorf("the picture is %d pixels wide, want 1080: a phone screen's", w)
	}
}

// TestTimelineMarks checks what the picture says at known places: a done
// bar is filled with its party's colour, an overdue one has a red border,
// and today's line is red; an unchanged picture would pass the golden
// test, a wrong colour would not pass this one.
func TestTimelineMarks(t *testing.T) {
	img := decode(t, must(PNG(sample(t), today, "da")))
	ch, _ := layout(sample(t), today, "da")
	counts := map[color.NRGBA]int{}
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; x++ {
			counts[nrgba(img.At(x, y))]++
		}
	}
	for name, c := range map[string]color.NRGBA{"done, both sides": colourBoth, "done, the forvaltning": colourFV, "overdue": colourRed,
		"open, KS": tint(colourKS), "skipped": colourSkipped, "a forvaltning's band": colourBand} {
		if counts[c] < 200 {
			t.Errorf("%s (%v) covers %d pixels", name, c, counts[c])
		}
	}
	overdue := 0
	for _, b := range ch.bars {
		if b.overdue {
			overdue++
		}
	}
	if overdue != 4 {
		t.Errorf("%d overdue bars, want SUF's and TMF's kick-off and information meeting", overdue)
	}
}

// TestTimelineMeetings: each information meeting is a diamond on its
// forvaltning's row of the information meeting, on its day, filled with
// the forvaltning's colour once held.
func TestTimelineMeetings(t *testing.T) {
	w := sample(t)
	ch, _ := layout(w, today, "da")
	var info bar
	for _, b := range ch.bars {
		if b.party == wave.PartyFV && b.status == wave.StatusDone {
			info = b // BUF's information meeting, the first done of the forvaltning's
			break
		}
	}
	want := []meeting{{x: days(wave.Date{Year: 2027, Month: 2, Day: 15}) + 0.5, y: info.y, held: true}, {x: days(wave.Date{Year: 2027, Month: 2, Day: 24}) + 0.5, y: info.y}}
	if len(ch.meetings) != 2 || ch.meetings[0] != want[0] || ch.meetings[1] != want[1] {
		t.Fatalf("meetings %+v, want %+v", ch.meetings, want)
	}
	fv := func(w wave.Wave) int {
		img := decode(t, must(PNG(w, today, "da")))
		n := 0
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				if nrgba(img.At(x, y)) == colourFV {
					n++
				}
			}
		}
		return n
	}
	held := fv(w)
	buf, _ := w.Enrolment("BUF")
	buf.Meetings[0].Date = wave.Date{Year: 2027, Month: 2, Day: 23}
	if planned := fv(w); held-planned < 50 {
		t.Errorf("a held meeting is drawn with %d pixels of the forvaltning's colour, a planned one with %d: the held one is filled", held, planned)
	}
}

func TestTimelineOfAnEmptyWave(t *testing.T) {
	w, _ := wave.New("b9", "Tom", wave.Date{Year: 2027, Month: 3, Day: 1}, "anna", time.Now())
	if _, err := PNG(w, today, "en"); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkTimeline draws a wave of seven forvaltninger:
// go test -bench Timeline -benchmem ./timeline
func BenchmarkTimeline(b *testing.B) {
	enrolled := cph.At(wave.Date{Year: 2026, Month: 12, Day: 1}, 12, 0)
	w, _ := wave.New("b1", "Bølge 1", wave.Date{Year: 2027, Month: 3, Day: 1}, "anna", enrolled)
	for _, fv := range wave.DefaultForvaltninger {
		w.Enroll(fv, wave.DefaultTemplate(), cph, enrolled)
	}
	var size int
	for b.Loop() {
		p, err := PNG(w, today, "da")
		if err != nil {
			b.Fatal(err)
		}
		size = len(p)
	}
	b.ReportMetric(float64(size), "bytes")
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func nrgba(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

// differing counts the pixels where a channel of a and b differ by more
// than a fifth of its range.
func differing(a, b image.Image) int {
	n := 0
	bnd := a.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; x++ {
			p, q := nrgba(a.At(x, y)), nrgba(b.At(x, y))
			if far(p.R, q.R) || far(p.G, q.G) || far(p.B, q.B) {
				n++
			}
		}
	}
	return n
}

func far(a, b uint8) bool { return int(a)-int(b) > 51 || int(b)-int(a) > 51 }
