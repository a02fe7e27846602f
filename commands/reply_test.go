package commands

import "testing"

func TestProgressCells(t *testing.T) {
	tests := []struct {
		p                   Progress
		done, skipped, open int
		label               string
	}{
		{Progress{Total: 9}, 0, 0, 10, "0/9"},
		{Progress{Done: 3, Skipped: 1, Total: 9, Text: "3 færdige, 1 sprunget over, 5 åbne"}, 3, 1, 6, "3 færdige, 1 sprunget over, 5 åbne"},
		{Progress{Done: 2, Skipped: 7, Total: 9}, 2, 8, 0, "2/9"},
		{Progress{Done: 9, Total: 9}, 10, 0, 0, "9/9"},
		{Progress{Skipped: 9, Total: 9}, 0, 10, 0, "0/9"},
		{Progress{}, 0, 0, 10, "0/0"},
		// Counts that do not add up never draw outside the bar.
		{Progress{Done: 12, Skipped: 5, Total: 9}, 10, 0, 0, "12/9"},
		{Progress{Done: -1, Skipped: 20, Total: 9}, 0, 10, 0, "-1/9"},
	}
	for _, tt := range tests {
		done, skipped, open := tt.p.Cells(10)
		if done != tt.done || skipped != tt.skipped || open != tt.open {
			t.Errorf("%+v.Cells(10) = %d, %d, %d; want %d, %d, %d", tt.p, done, skipped, open, tt.done, tt.skipped, tt.open)
		}
		if got := tt.p.Label(); got != tt.label {
			t.Errorf("%+v.Label() = %q; want %q", tt.p, got, tt.label)
		}
	}
}
