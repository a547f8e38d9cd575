package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestHealthBadgeStates(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		state, text     string
		wantText        string
		fill, textColor fyne.ThemeColorName
	}{
		{StateOK, "", "OK", theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess},
		{StateDegraded, "", "DEGRADED", theme.ColorNameWarning, theme.ColorNameForegroundOnWarning},
		{StateDown, "", "DOWN", theme.ColorNameError, theme.ColorNameForegroundOnError},
		{StateDisabled, "", "DISABLED", theme.ColorNameDisabled, theme.ColorNameForeground},
		{"paused", "", "PAUSED", theme.ColorNameDisabled, theme.ColorNameForeground},
		{"OK", "", "OK", theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess},
		{StateDown, "down 40 s", "down 40 s", theme.ColorNameError, theme.ColorNameForegroundOnError},
	} {
		b := NewHealthBadge()
		b.SetState(tc.state, tc.text)
		r := test.WidgetRenderer(b).(*healthBadgeRenderer)
		if r.label.Text != tc.wantText || b.Text() != tc.wantText || b.State() != tc.state {
			t.Errorf("SetState(%q, %q): drawn %q, Text() %q, State() %q", tc.state, tc.text, r.label.Text, b.Text(), b.State())
		}
		assertColor(t, tc.state+" pill", r.pill.FillColor, tc.fill)
		assertColor(t, tc.state+" text", r.label.Color, tc.textColor)
		if !r.pill.Visible() || !r.label.Visible() {
			t.Errorf("SetState(%q, %q): badge hidden", tc.state, tc.text)
		}
	}
}

func TestHealthBadgeOKAndDownDiffer(t *testing.T) {
	test.NewTempApp(t)
	b := NewHealthBadge()
	b.SetState(StateOK, "")
	r := test.WidgetRenderer(b).(*healthBadgeRenderer)
	ok := r.pill.FillColor
	b.SetState(StateDown, "")
	if sameColor(ok, r.pill.FillColor) {
		t.Errorf("ok and down are both %v", ok)
	}
}

func TestHealthBadgeKeepsItsNaturalSize(t *testing.T) {
	test.NewTempApp(t)
	b := NewHealthBadge()
	b.SetState(StateDegraded, "")
	natural := b.MinSize()
	showUnpadded(t, b, fyne.NewSize(200, 60))
	r := test.WidgetRenderer(b).(*healthBadgeRenderer)

	if r.pill.Size() != natural {
		t.Errorf("pill %v in a 200x60 cell, want its natural %v", r.pill.Size(), natural)
	}
	if want := (60 - natural.Height) / 2; r.pill.Position() != fyne.NewPos(0, want) {
		t.Errorf("pill at %v, want leading and vertically centred (0, %v)", r.pill.Position(), want)
	}
	if r.pill.CornerRadius != natural.Height/2 {
		t.Errorf("corner radius %v, want %v for a pill", r.pill.CornerRadius, natural.Height/2)
	}
	if r.label.Position() != r.pill.Position() || r.label.Size() != r.pill.Size() {
		t.Errorf("label box %v+%v is not the pill's %v+%v", r.label.Position(), r.label.Size(), r.pill.Position(), r.pill.Size())
	}
	if tw := r.label.MinSize().Width; natural.Width <= tw {
		t.Errorf("pill %v wide leaves no room around the %v wide text", natural.Width, tw)
	}
}

func TestHealthBadgeEmptyDrawsNothing(t *testing.T) {
	test.NewTempApp(t)
	b := NewHealthBadge()
	r := test.WidgetRenderer(b).(*healthBadgeRenderer)
	if r.pill.Visible() || r.label.Visible() {
		t.Error("a badge without a state is drawn")
	}
}

func TestHealthBadgeUpdatesInPlace(t *testing.T) {
	test.NewTempApp(t)
	b := NewHealthBadge()
	b.SetState(StateOK, "")
	r := test.WidgetRenderer(b).(*healthBadgeRenderer)
	before := append([]fyne.CanvasObject(nil), r.Objects()...)

	r.label.Text = "sentinel" // survives only if the next call does not refresh
	b.SetState(StateOK, "OK") // the same as the default text
	if r.label.Text != "sentinel" {
		t.Error("setting the same state refreshed the badge")
	}
	b.SetState(StateDown, "")
	b.SetState(StateDegraded, "slow")
	if r.label.Text != "slow" {
		t.Errorf("drawn %q, want slow", r.label.Text)
	}
	if !sameObjects(before, r.Objects()) {
		t.Error("updating the badge replaced its canvas objects")
	}
}
