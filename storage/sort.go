package storage

import (
	"slices"
	"strings"

	"wavebot/wave"
)

// SortWaves orders waves as every Store lists them: by start date, then id.
func SortWaves(ws []wave.Wave) {
	slices.SortFunc(ws, func(a, b wave.Wave) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
