// Command icons draws the two icons of the Teams app package with the
// standard library: color.png (192×192, the full-colour icon) and
// outline.png (32×32, white on transparent). Run from the repository root:
//
//	go run ./deploy/teams/icons
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// blue is the icon's background.
var blue = color.RGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff}

func main() {
	dir := filepath.Join("deploy", "teams")
	for _, icon := range []struct {
		name string
		img  image.Image
	}{
		{"color.png", waves(192, true)},
		{"outline.png", waves(32, false)},
	} {
		if err := write(filepath.Join(dir, icon.name), icon.img); err != nil {
			fmt.Fprintln(os.Stderr, "icons:", err)
			os.Exit(1)
		}
	}
}

// waves draws three white waves, on a rounded blue square when filled,
// else on transparency.
func waves(size int, filled bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	radius := s * 0.18
	for y := range size {
		for x := range size {
			if filled && inRoundedSquare(float64(x)+0.5, float64(y)+0.5, s, radius) {
				img.Set(x, y, blue)
			}
		}
	}
	thickness := math.Max(s*0.055, 2.2)
	for i, level := range []float64{0.33, 0.52, 0.71} {
		for y := range size {
			for x := range size {
				fx, fy := float64(x)+0.5, float64(y)+0.5
				margin := s * 0.16
				if fx < margin || fx > s-margin {
					continue
				}
				phase := float64(i) * 0.6
				wave := level*s + math.Sin((fx-margin)/(s-2*margin)*2*math.Pi+phase)*s*0.06
				if d := math.Abs(fy - wave); d < thickness/2 {
					img.Set(x, y, color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff})
				}
			}
		}
	}
	return img
}

// inRoundedSquare reports whether (x, y) lies in the s×s square with
// corners rounded by r.
func inRoundedSquare(x, y, s, r float64) bool {
	cx := math.Min(math.Max(x, r), s-r)
	cy := math.Min(math.Max(y, r), s-r)
	return math.Hypot(x-cx, y-cy) <= r
}

func write(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return f.Close()
}
