// Package timeline draws a wave as a PNG Gantt chart: one row per
// forvaltning and activity, a bar from the enrolment's previous deadline
// to the activity's own, coloured by who is responsible (KS, the
// forvaltning, both), filled when done, outlined in red when overdue, the
// forvaltning's information meetings as diamonds on their row (filled
// once held), and a line for today. It draws with gonum.org/v1/plot and the Liberation
// fonts that library embeds, so no system font is needed; labels are in
// Danish or English. The picture is as wide as a phone screen's pixels
// and its text large enough to read there.
package timeline

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/png"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// Size of the picture: 1080 pixels wide at 144 dots an inch, text of 11
// points (22 pixels), a row every 0.24 inch.
const (
	dpi       = 144
	width     = 7.5 * vg.Inch
	rowHeight = 0.24 * vg.Inch
	// margins is the height of the title, the axis and the legend.
	margins = 1.6 * vg.Inch
	// legendRows is the room above the first row for the legend.
	legendRows = 5
	// maxLabel bounds a row's label, in characters.
	maxLabel = 30
)

// The responsibility colours, from Okabe and Ito's palette, which people
// with the common colour-vision deficiencies tell apart; red marks what is
// overdue and today.
var (
	colourKS      = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}
	colourFV      = color.NRGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}
	colourBoth    = color.NRGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}
	colourRed     = color.NRGBA{R: 0xD5, G: 0x1E, B: 0x1E, A: 0xFF}
	colourSkipped = color.NRGBA{R: 0xBB, G: 0xBB, B: 0xBB, A: 0xFF}
	colourBand    = color.NRGBA{R: 0xEE, G: 0xEE, B: 0xEE, A: 0xFF}
)

// palette is the picture's colours: greys from black to white, and each
// colour it draws in shades towards white.
func palette() color.Palette {
	var p color.Palette
	for i := 0; i <= 16; i++ {
		y := uint8(min(i*16, 255))
		p = append(p, color.NRGBA{R: y, G: y, B: y, A: 0xFF})
	}
	for _, c := range []color.NRGBA{colourKS, colourFV, colourBoth, colourRed, tint(colourKS), tint(colourFV), tint(colourBoth), colourSkipped, colourBand} {
		for _, share := range []int{100, 75, 50, 25} {
			mix := func(v uint8) uint8 { return uint8(255 - (255-int(v))*share/100) }
			p = append(p, color.NRGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 0xFF})
		}
	}
	return p
}

// quantize maps img to the nearest colours of p. A picture has few
// distinct colours, so each is looked up once.
func quantize(img image.Image, p color.Palette) *image.Paletted {
	b := img.Bounds()
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(b)
		stddraw.Draw(rgba, b, img, b.Min, stddraw.Src)
	}
	out := image.NewPaletted(b, p)
	index := map[color.RGBA]uint8{}
	var last color.RGBA
	var li uint8
	seen := false
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			o := rgba.PixOffset(x, y)
			c := color.RGBA{R: rgba.Pix[o], G: rgba.Pix[o+1], B: rgba.Pix[o+2], A: rgba.Pix[o+3]}
			if !seen || c != last {
				i, ok := index[c]
				if !ok {
					i = uint8(p.Index(c))
					index[c] = i
				}
				last, li, seen = c, i, true
			}
			out.Pix[out.PixOffset(x, y)] = li
		}
	}
	return out
}

func partyColour(p wave.Party) color.NRGBA {
	switch p {
	case wave.PartyKS:
		return colourKS
	case wave.PartyFV:
		return colourFV
	}
	return colourBoth
}

// tint is c mixed with white: the fill of a bar not done yet.
func tint(c color.NRGBA) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(255 - (255-int(v))*35/100) }
	return color.NRGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 0xFF}
}

// bar is one activity's row.
type bar struct {
	y          float64
	start, end float64
	party      wave.Party
	status     wave.Status
	overdue    bool
}

// meeting is an information meeting's mark on its row: a diamond on its
// day, filled once held.
type meeting struct {
	x, y float64
	held bool
}

// chart is the data of the picture, in days since 1970 on x and rows on y.
type chart struct {
	bars     []bar
	meetings []meeting
	bands    []float64
	today    float64
	lang     string
}

// days is d as days since 1 January 1970.
func days(d wave.Date) float64 {
	return float64(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dateOf is the day x days since 1970.
func dateOf(x float64) wave.Date {
	return wave.DateOf(time.Unix(int64(math.Floor(x))*86400, 0).UTC())
}

// label shortens an activity's title to a row label: the part before a
// dash or a bracket, cut to maxLabel characters.
func label(title string) string {
	if i := strings.Index(title, " – "); i > 0 {
		title = title[:i]
	}
	if i := strings.Index(title, " ("); i > 0 {
		title = title[:i]
	}
	if r := []rune(title); len(r) > maxLabel {
		title = string(r[:maxLabel-1]) + "…"
	}
	return title
}

// PNG draws wave w as it stands on today, with labels in lang.
func PNG(w wave.Wave, today wave.Date, lang string) ([]byte, error) {
	ch, names := layout(w, today, lang)
	p := plot.New()
	p.Title.Text = catalog.TimelineTitle.In(lang, w.ID, w.Name)
	p.Title.TextStyle.Font = font.From(sans(true), 14)
	p.Title.Padding = 0.1 * vg.Inch
	p.X.Tick.Label.Font = font.From(sans(false), 10)
	p.Y.Tick.Label.Font = font.From(sans(false), 11)
	p.Legend.TextStyle.Font = font.From(sans(false), 10)
	p.NominalY(names...)
	p.X.Tick.Marker = weeks{lang: lang}
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	grid.Vertical.Color = color.Gray{Y: 0xDD}
	p.Add(backdrop(ch.bands), grid, ch)
	p.Y.Min, p.Y.Max = -0.5, float64(len(names))-0.5+legendRows
	p.Legend.Top = true
	p.Legend.XOffs = -0.08 * vg.Inch
	p.Legend.ThumbnailWidth = 0.3 * vg.Inch
	p.Legend.Padding = 0.04 * vg.Inch
	for _, e := range []struct {
		text  catalog.Message
		thumb plot.Thumbnailer
	}{
		{catalog.LegendKS, swatch{fill: colourKS}}, {catalog.LegendFV, swatch{fill: colourFV}},
		{catalog.LegendBoth, swatch{fill: colourBoth}}, {catalog.LegendDone, swatch{fill: colourBoth, check: true}},
		{catalog.LegendOverdue, swatch{fill: tint(colourBoth), border: colourRed}}, {catalog.LegendMeeting, diamondThumb{}},
		{catalog.LegendToday, todayThumb{}},
	} {
		p.Legend.Add(e.text.In(lang), e.thumb)
	}
	height := margins + rowHeight*vg.Length(len(names)+legendRows)
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(dpi))
	p.Draw(draw.New(c))
	// The picture's few colours, and the shades between them and white
	// that smooth edges and text, make a palette: the PNG is a third of
	// the size, quick to send and show.
	out := quantize(c.Image(), palette())
	var b bytes.Buffer
	if err := png.Encode(&b, out); err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", w.ID, err)
	}
	return b.Bytes(), nil
}

// sans is the embedded Liberation Sans, bold or regular.
func sans(bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if bold {
		f.Weight = 700
	}
	return f
}

// layout works out the rows, top to bottom: per enrolment a band with the
// forvaltning's code, then its activities in the template's order. names
// are the rows' labels, bottom first, as the y axis counts.
func layout(w wave.Wave, today wave.Date, lang string) (chart, []string) {
	ch := chart{today: days(today), lang: lang}
	var top []string
	for _, e := range w.Enrolments {
		top = append(top, e.FV)
		var dues []wave.Date
		for _, a := range e.Activities {
			if !a.Due.IsZero() && !slices.Contains(dues, a.Due) {
				dues = append(dues, a.Due)
			}
		}
		slices.SortFunc(dues, wave.Date.Compare)
		band := len(top) - 1
		ch.bands = append(ch.bands, float64(band))
		for _, a := range e.Activities {
			top = append(top, "   "+label(a.Title(lang)))
			if a.Key == wave.InfoActivity {
				for _, m := range e.Meetings {
					ch.meetings = append(ch.meetings, meeting{x: days(m.Date) + 0.5, y: float64(len(top) - 1), held: m.Held(today)})
				}
			}
			if a.Due.IsZero() {
				continue
			}
			start := a.Due.AddDays(-7)
			if i := slices.Index(dues, a.Due); i > 0 {
				start = dues[i-1]
			}
			ch.bars = append(ch.bars, bar{y: float64(len(top) - 1), start: days(start), end: days(a.Due) + 1, party: a.Responsible,
				status: a.Status, overdue: !a.Status.Closed() && a.Due.Before(today)})
		}
	}
	n := float64(len(top))
	flip := func(y float64) float64 { return n - 1 - y }
	for i := range ch.bars {
		ch.bars[i].y = flip(ch.bars[i].y)
	}
	for i := range ch.meetings {
		ch.meetings[i].y = flip(ch.meetings[i].y)
	}
	for i := range ch.bands {
		ch.bands[i] = flip(ch.bands[i])
	}
	names := slices.Clone(top)
	slices.Reverse(names)
	if len(names) == 0 {
		names = []string{catalog.NoneEnrolled.In(lang)}
	}
	return ch, names
}

// DataRange is every bar and today, with a few days either side.
func (ch chart) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = ch.today, ch.today+1
	for _, b := range ch.bars {
		xmin, xmax = min(xmin, b.start), max(xmax, b.end)
	}
	for _, m := range ch.meetings {
		xmin, xmax = min(xmin, m.x-0.5), max(xmax, m.x+0.5)
	}
	return xmin - 3, xmax + 3, 0, 0
}

// Plot draws the bars, their marks and today's line.
func (ch chart) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range ch.bars {
		x0, x1 := trX(b.start), trX(b.end)
		y0, y1 := trY(b.y-0.32), trY(b.y+0.32)
		box := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		full := partyColour(b.party)
		fill := tint(full)
		switch b.status {
		case wave.StatusDone:
			fill = full
		case wave.StatusSkipped:
			fill = colourSkipped
		}
		c.FillPolygon(fill, box)
		border := draw.LineStyle{Color: full, Width: vg.Points(1)}
		if b.overdue {
			border = draw.LineStyle{Color: colourRed, Width: vg.Points(2.5)}
		}
		c.StrokeLines(border, append(box, box[0]))
		if b.status == wave.StatusDone {
			check(c, x1-(y1-y0)*0.9, y0, y1-y0)
		}
	}
	for _, m := range ch.meetings {
		diamond(c, trX(m.x), trY(m.y), (trY(m.y+0.4)-trY(m.y-0.4))/2, m.held)
	}
	x := trX(ch.today)
	c.StrokeLine2(draw.LineStyle{Color: colourRed, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}, x, c.Min.Y, x, c.Max.Y)
}

// diamond draws an information meeting's mark centred on x, y, r from its
// centre to each corner: the forvaltning's colour, filled once held, on
// white while planned, with a dark edge that stands out on the bar under
// it.
func diamond(c draw.Canvas, x, y, r vg.Length, held bool) {
	pts := []vg.Point{{X: x, Y: y + r}, {X: x + r, Y: y}, {X: x, Y: y - r}, {X: x - r, Y: y}}
	fill := color.Color(color.White)
	if held {
		fill = colourFV
	}
	c.FillPolygon(fill, pts)
	c.StrokeLines(draw.LineStyle{Color: color.Black, Width: vg.Points(1.5)}, append(pts, pts[0]))
}

// backdrop is the bands under each forvaltning's code, drawn first.
type backdrop []float64

func (b backdrop) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for _, y := range b {
		y0, y1 := trY(y-0.5), trY(y+0.5)
		c.FillPolygon(colourBand, []vg.Point{{X: c.Min.X, Y: y0}, {X: c.Max.X, Y: y0}, {X: c.Max.X, Y: y1}, {X: c.Min.X, Y: y1}})
	}
}

// check draws a white tick mark in a box of side s whose lower left
// corner is at x, y.
func check(c draw.Canvas, x, y, s vg.Length) {
	c.StrokeLines(draw.LineStyle{Color: color.White, Width: vg.Points(2)}, []vg.Point{
		{X: x + s*0.2, Y: y + s*0.5}, {X: x + s*0.42, Y: y + s*0.25}, {X: x + s*0.8, Y: y + s*0.75},
	})
}

// weeks marks Mondays on the x axis, labelled "1. feb.": every one, or
// every second, third… so that at most maxTicks labels fit the width.
type weeks struct{ lang string }

// maxTicks is the most date labels the x axis holds.
const maxTicks = 7

func (t weeks) Ticks(lo, hi float64) []plot.Tick {
	step := 7 * int(math.Ceil((hi-lo)/7/maxTicks))
	d := dateOf(lo)
	for d.Weekday() != time.Monday {
		d = d.AddDays(1)
	}
	var out []plot.Tick
	for x := days(d); x <= hi; x += float64(step) {
		day := dateOf(x)
		out = append(out, plot.Tick{Value: x, Label: catalog.ShortDate(t.lang, day.Year, day.Month, day.Day)})
	}
	return out
}

// swatch is a legend's sample of a bar.
type swatch struct {
	fill, border color.Color
	check        bool
}

func (s swatch) Thumbnail(c *draw.Canvas) {
	box := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}}
	c.FillPolygon(s.fill, box)
	if s.border != nil {
		c.StrokeLines(draw.LineStyle{Color: s.border, Width: vg.Points(2.5)}, append(box, box[0]))
	}
	if s.check {
		h := c.Max.Y - c.Min.Y
		check(*c, c.Max.X-h*0.95, c.Min.Y, h)
	}
}

// diamondThumb is the legend's sample of an information meeting: a held
// one.
type diamondThumb struct{}

func (diamondThumb) Thumbnail(c *draw.Canvas) {
	h := (c.Max.Y - c.Min.Y) / 2
	diamond(*c, (c.Min.X+c.Max.X)/2, c.Min.Y+h, h, true)
}

// todayThumb is the legend's sample of today's line.
type todayThumb struct{}

func (todayThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(draw.LineStyle{Color: colourRed, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}, x, c.Min.Y, x, c.Max.Y)
}
