package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/alerts"
)

// TestAlertStripShowsTheNewest: alerts come oldest first, many at a time
// at launch scale; the strip shows the newest on top, keeps its lines
// through later batches, and lets them go after ten minutes.
func TestAlertStripShowsTheNewest(t *testing.T) {
	test.NewTempApp(t)
	s := NewAlertStrip()
	s.SetLocation(time.UTC)
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	batch := func(from, n int, when time.Time) []alerts.Alert {
		var as []alerts.Alert
		for i := from; i < from+n; i++ {
			as = append(as, alerts.Alert{Kind: alerts.SoldOut, At: when, Title: fmt.Sprintf("SKU-%04d", i), Body: "sold out"})
		}
		return as
	}
	line := func(i int, when time.Time) string {
		return when.Format("15:04:05") + " UTC  " + fmt.Sprintf("SKU-%04d", i) + " — sold out"
	}
	s.Add(at, batch(0, 1400, at)...)
	if got, want := s.Lines(), []string{line(1399, at), line(1398, at), line(1397, at)}; !slices.Equal(got, want) {
		t.Fatalf("after 1,400 alerts: %q, want %q", got, want)
	}
	later := at.Add(time.Minute)
	s.Add(later, batch(2000, 1, later)...)
	if got, want := s.Lines(), []string{line(2000, later), line(1399, at), line(1398, at)}; !slices.Equal(got, want) {
		t.Fatalf("after one more: %q, want %q", got, want)
	}
	if len(s.recent) > alertShown {
		t.Errorf("the strip keeps %d alerts for %d lines", len(s.recent), alertShown)
	}
	s.Add(at.Add(10*time.Minute+time.Second), nil...)
	if got, want := s.Lines(), []string{line(2000, later)}; !slices.Equal(got, want) {
		t.Errorf("ten minutes on: %q, want %q", got, want)
	}
}
