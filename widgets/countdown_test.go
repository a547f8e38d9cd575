package widgets

import (
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestFormatCountdown(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0:00"},
		{-time.Second, "0:00"},
		{math.MinInt64, "0:00"},
		{400 * time.Millisecond, "0:00"},
		{600 * time.Millisecond, "0:01"},
		{9 * time.Second, "0:09"},
		{9*time.Second + 499*time.Millisecond, "0:09"},
		{9*time.Second + 990*time.Millisecond, "0:10"}, // an early tick still shows the whole second
		{59*time.Second + 500*time.Millisecond, "1:00"},
		{12*time.Minute + 5*time.Second, "12:05"},
		{59*time.Minute + 59*time.Second, "59:59"},
		{time.Hour, "1:00:00"},
		{time.Hour + 57*time.Minute + 55*time.Second, "1:57:55"},
		{100*time.Hour + 5*time.Second, "100:00:05"},
	} {
		if got := FormatCountdown(tc.in); got != tc.want {
			t.Errorf("FormatCountdown(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCountdownShowsRemainingThenFinalWord(t *testing.T) {
	test.NewTempApp(t)
	c := NewCountdown()
	r := test.WidgetRenderer(c).(*countdownRenderer)

	steps := []struct {
		set  func()
		want string
	}{
		{func() { c.SetRemaining(2*time.Hour - 2*time.Minute - 5*time.Second) }, "1:57:55"},
		{func() { c.SetRemaining(9 * time.Second) }, "0:09"},
		{func() { c.SetFinal("SOLD OUT") }, "SOLD OUT"},
		{func() { c.SetRemaining(-time.Minute) }, "0:00"},
		{func() { c.SetFinal("ENDED") }, "ENDED"},
	}
	for _, s := range steps {
		s.set()
		if c.Text() != s.want || r.text.Text != s.want {
			t.Errorf("Text() = %q, drawn %q, want %q", c.Text(), r.text.Text, s.want)
		}
	}
}

func TestCountdownRefreshesOnlyWhenTheTextChanges(t *testing.T) {
	test.NewTempApp(t)
	c := NewCountdown()
	c.SetRemaining(10 * time.Second)
	r := test.WidgetRenderer(c).(*countdownRenderer)
	before := append([]fyne.CanvasObject(nil), r.Objects()...)

	// A sentinel survives only if no refresh re-applies the state.
	r.text.Text = "sentinel"
	c.SetRemaining(10*time.Second + 200*time.Millisecond) // still "0:10"
	if r.text.Text != "sentinel" {
		t.Errorf("a tick that does not change the text refreshed the widget")
	}
	c.SetRemaining(9 * time.Second)
	if r.text.Text != "0:09" {
		t.Errorf("drawn %q after a new second, want 0:09", r.text.Text)
	}
	if !sameObjects(before, r.Objects()) {
		t.Errorf("updating the countdown replaced its canvas objects")
	}
}

func TestCountdownTextSize(t *testing.T) {
	test.NewTempApp(t)
	c := NewCountdown()
	c.SetRemaining(time.Minute)
	r := test.WidgetRenderer(c).(*countdownRenderer)

	def := 2 * theme.Size(theme.SizeNameText)
	if r.text.TextSize != def || !r.text.TextStyle.Bold {
		t.Fatalf("default text: size %v bold %v, want size %v bold", r.text.TextSize, r.text.TextStyle.Bold, def)
	}
	small := c.MinSize()

	c.SetTextSize(120)
	if r.text.TextSize != 120 {
		t.Errorf("text size %v after SetTextSize(120)", r.text.TextSize)
	}
	if big := c.MinSize(); big.Height <= small.Height || big.Width <= small.Width {
		t.Errorf("MinSize %v at size 120 is not larger than %v at the default", big, small)
	}

	for _, reset := range []float32{0, -3, float32(math.NaN())} {
		c.SetTextSize(120)
		c.SetTextSize(reset)
		if r.text.TextSize != def {
			t.Errorf("SetTextSize(%v): size %v, want the default %v", reset, r.text.TextSize, def)
		}
	}
}
