package check

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/format"
)

// Width is the widest line Text writes: a terminal, a chat message or a
// printout the day before the sale all take it.
const Width = 100

// Layout of a step line: "  ✓ reach and credentials   12 ms  detail…".
const (
	titleWidth = 22
	durWidth   = 7
	detailCol  = 2 + 2 + titleWidth + 1 + durWidth + 2
)

// Text writes the report for a launch manager: one block per channel, a
// line per step with ✓ or ✗ and what was found or why not, then the
// summary. Lines are at most Width columns.
func (r Report) Text() string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

// WriteText writes Text to w.
func (r Report) WriteText(w io.Writer) {
	loc := r.Location()
	what := "flashdeck check"
	if r.Config != "" {
		what += " of " + r.Config
	}
	head := what + ", " + r.At.In(loc).Format("2 Jan 2006 15:04:05 MST")
	if d := r.SaleClock.Sub(r.At); d > time.Second || d < -time.Second {
		// A simulator playing the sale faster: the windows are sale time.
		head += " (sale clock " + format.ClockSec(r.SaleClock, loc) + ")"
	}
	head += fmt.Sprintf("; at most %s a channel", r.Timeout)
	writeWrapped(w, "", "  ", head)
	writeWrapped(w, "", "", "Read-only: nothing is paused, resumed, extended or cancelled.")
	for _, c := range r.Channels {
		fmt.Fprintln(w)
		writeChannel(w, c)
	}
	fmt.Fprintln(w)
	verdict := "PASSED"
	if !r.OK {
		verdict = "FAILED"
	}
	writeWrapped(w, "", "  ", fmt.Sprintf("%s: %s. Exit status %d.", verdict, r.Summary, r.ExitCode))
}

func writeChannel(w io.Writer, c Channel) {
	name := fmt.Sprintf("%s (%s, %s)", c.Name, c.ID, c.Kind)
	if c.Status == Skipped {
		writeWrapped(w, "", "  ", fmt.Sprintf("– %s: skipped, %s", name, c.Reason))
		return
	}
	ok, n := c.Counts()
	head := fmt.Sprintf("%s: passed, %d/%d ok", name, ok, n)
	if c.Status == Failed {
		head = fmt.Sprintf("%s: FAILED, %d/%d ok", name, ok, n)
	}
	if ns := len(c.Steps) - n; ns > 0 {
		head += fmt.Sprintf(" (%d not supported)", ns)
	}
	head += ", " + format.Duration(msDuration(c.DurationMS))
	sym := "✓"
	if c.Status == Failed {
		sym = "✗"
	}
	writeWrapped(w, "", "  ", sym+" "+head)
	for _, s := range c.Steps {
		writeStep(w, s)
	}
}

func writeStep(w io.Writer, s Step) {
	sym, text := "?", s.Detail
	switch s.Status {
	case OK:
		sym = "✓"
	case Failed:
		sym = "✗"
		text = s.Reason
	case Skipped:
		sym, text = "–", "skipped: "+s.Reason
	case NotSupported:
		sym, text = "–", "not supported: "+s.Reason
	}
	dur := ""
	if s.Status == OK || s.Status == Failed {
		dur = format.Duration(msDuration(s.DurationMS))
		if s.DurationMS > 0 && s.DurationMS < 1 {
			dur = "<1 ms"
		}
	}
	lead := fmt.Sprintf("  %s %-*s %*s  ", sym, titleWidth, s.Title, durWidth, dur)
	indent := strings.Repeat(" ", detailCol)
	// A failed step still says what it found before failing (the stock
	// read, say), so the failure and the finding are both there.
	if s.Status == Failed && s.Detail != "" {
		writeWrapped(w, lead, indent, text)
		writeWrapped(w, indent, indent, s.Detail)
	} else {
		writeWrapped(w, lead, indent, text)
	}
	for _, warn := range s.Warnings {
		writeWrapped(w, indent+"! ", indent+"  ", warn)
	}
}

func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// writeWrapped writes text word-wrapped to Width: the first line after
// first, the others after rest. A word longer than a line is cut.
func writeWrapped(w io.Writer, first, rest, text string) {
	lead := first
	words := strings.Fields(text)
	if len(words) == 0 {
		fmt.Fprintln(w, strings.TrimRight(lead, " "))
		return
	}
	line := lead
	n := runeLen(lead)
	empty := true
	for _, word := range words {
		wl := runeLen(word)
		if !empty && n+1+wl > Width {
			fmt.Fprintln(w, line)
			line, n, empty = rest, runeLen(rest), true
		}
		for empty && n+wl > Width && Width-n > 10 {
			// A word wider than a whole line (a URL, a long error token).
			cut := Width - n
			rs := []rune(word)
			fmt.Fprintln(w, line+string(rs[:cut]))
			word = string(rs[cut:])
			wl = runeLen(word)
			line, n = rest, runeLen(rest)
		}
		if !empty {
			line += " "
			n++
		}
		line += word
		n += wl
		empty = false
	}
	fmt.Fprintln(w, line)
}

func runeLen(s string) int { return len([]rune(s)) }
