// Package format writes numbers, money, times and ages the way a person
// in the sale's market reads them: "1.234", "Rp 1.999.000", "14:05 WIB",
// "12 s ago". No Fyne here: screens and exports share it.
package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Int writes n with the thousands separator sep ("." for Indonesia).
func Int(n int64, sep string) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Count writes a count in the market's style (Indonesian: 1.234).
func Count(n int, currency string) string { return Int(int64(n), thousands(currency)) }

// language is "id", "en" or "" (unset: the currency decides the marks).
var language atomic.Value

// SetLanguage makes the language decide numbers, money and dates: "id"
// writes 1.234,5 and Indonesian words ("5 mnt lalu", "Senin"), "en" writes
// 1,234.5; "" goes back to the marks of each sale's currency. The desktop
// and the report call it once at start (app/i18n.Setup).
func SetLanguage(l string) { language.Store(l) }

// Language is what SetLanguage set ("" when unset).
func Language() string {
	l, _ := language.Load().(string)
	return l
}

func indonesian() bool { return Language() == "id" }

func thousands(currency string) string {
	switch Language() {
	case "id":
		return "."
	case "en":
		return ","
	}
	switch currency {
	case "IDR", "VND", "EUR":
		return "."
	}
	return ","
}

// Money writes an amount in the currency: "Rp 1.999.000", "RM 1,299.00".
func Money(m datasources.Money, currency string) string {
	whole, cents := int64(m)/100, int64(m)%100
	if cents < 0 {
		cents = -cents
	}
	// The marks are the language's when one is set, else the currency's
	// market's: IDR and VND group with "." and have no cents.
	sep, dec := thousands(currency), "."
	if sep == "." {
		dec = ","
	}
	switch currency {
	case "IDR":
		return "Rp " + Int(whole, sep)
	case "VND":
		return Int(whole, sep) + " ₫"
	case "MYR":
		return fmt.Sprintf("RM %s%s%02d", Int(whole, sep), dec, cents)
	case "PHP":
		return fmt.Sprintf("₱%s%s%02d", Int(whole, sep), dec, cents)
	case "SGD":
		return fmt.Sprintf("S$%s%s%02d", Int(whole, sep), dec, cents)
	case "THB":
		return fmt.Sprintf("฿%s%s%02d", Int(whole, sep), dec, cents)
	}
	return fmt.Sprintf("%s %s%s%02d", currency, Int(whole, sep), dec, cents)
}

// Percent writes a 0..1 fraction as "42%", with one decimal under 10%
// written with the market's decimal mark, as Rate writes it: "5,2%" in
// Indonesia, "5.2%" elsewhere.
func Percent(f float64, currency string) string {
	p := f * 100
	if p > 0 && p < 10 {
		return decimal(p, currency) + "%"
	}
	return strconv.FormatFloat(math.Floor(p), 'f', 0, 64) + "%"
}

// decimal writes x with one decimal and the market's decimal mark: the
// other one than its thousands separator ("3,2" where 1.234 is a thousand).
func decimal(x float64, currency string) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if thousands(currency) == "." {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Rate writes units per minute grouped as Count groups them, in the
// market's style: "14.705/min" and "3,2/min" in Indonesia, "14,705/min" and
// "3.2/min" elsewhere; one decimal under 10, whole units from 10.
func Rate(perMin float64, currency string) string {
	if math.IsNaN(perMin) || math.IsInf(perMin, 0) {
		return "—"
	}
	unit := "/min"
	if indonesian() {
		unit = "/mnt"
	}
	if perMin < 10 {
		return decimal(perMin, currency) + unit
	}
	return Int(int64(math.Round(perMin)), thousands(currency)) + unit
}

// Age writes how long ago t was, relative to now: "just now", "12 s ago",
// "4 min ago", "2 h ago"; "never" for the zero time.
func Age(t, now time.Time) string {
	if indonesian() {
		return ageID(t, now)
	}
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// Clock writes a time of day in a zone with its label: "14:05 WIB".
func Clock(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format("15:04") + " " + zoneLabel(t)
}

// ClockSec is Clock with seconds: "14:05:09 WIB".
func ClockSec(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format("15:04:05") + " " + zoneLabel(t)
}

func zoneLabel(t time.Time) string {
	name, off := t.Zone()
	if name != "" && (name[0] < '0' || name[0] > '9') && name[0] != '+' && name[0] != '-' {
		return name
	}
	return fmt.Sprintf("UTC%+d", off/3600)
}

// Countdown writes a duration as "1:02:03" or "12:34" (never negative).
func Countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second).Seconds())
	h, m, sec := s/3600, (s/60)%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%02d:%02d", m, sec)
}

// Duration writes a short duration: "850 ms", "3.2 s", "4 min".
func Duration(d time.Duration) string {
	if indonesian() && d >= time.Second {
		if d < time.Minute {
			return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".", ",", 1) + " dtk"
		}
		return fmt.Sprintf("%d mnt", int(d.Minutes()))
	}
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}

// ageID is Age in Indonesian: "baru saja", "12 dtk lalu", "4 mnt lalu".
func ageID(t, now time.Time) string {
	if t.IsZero() {
		return "belum pernah"
	}
	d := now.Sub(t)
	switch {
	case d < time.Second:
		return "baru saja"
	case d < time.Minute:
		return fmt.Sprintf("%d dtk lalu", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d mnt lalu", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d jam lalu", int(d.Hours()))
	}
	return fmt.Sprintf("%d hari lalu", int(d.Hours()/24))
}

var (
	weekdaysID = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	monthsID   = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
)

// Weekday writes the short day with the time of day, as the desktop shows
// when a sale ends: "Mon 15:04", in Indonesian "Sen 15:04".
func Weekday(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	if indonesian() {
		return weekdaysID[t.Weekday()][:3] + " " + t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

// Date writes a day in full: "Monday 7 December 2026", in Indonesian
// "Senin, 7 Desember 2026".
func Date(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	if indonesian() {
		return fmt.Sprintf("%s, %d %s %d", weekdaysID[t.Weekday()], t.Day(), monthsID[t.Month()-1], t.Year())
	}
	return t.Format("Monday 2 January 2006")
}

// Decimal writes x with one decimal and the language's decimal mark (the
// market's when no language is set): "3,2" in Indonesian, "3.2" in English.
func Decimal(x float64, currency string) string { return decimal(x, currency) }

// Layout writes t with a Go layout, with the language's day and month
// names: "Mon 2 Jan 15:04" is "Sen 2 Des 15:04" in Indonesian. Only the
// short and long names Go writes are replaced; figures stay as they are.
func Layout(t time.Time, layout string) string {
	s := t.Format(layout)
	if !indonesian() {
		return s
	}
	wd, mo := weekdaysID[t.Weekday()], monthsID[t.Month()-1]
	// Long names first: "Monday" holds "Mon".
	switch {
	case strings.Contains(layout, "Monday"):
		s = strings.Replace(s, t.Weekday().String(), wd, 1)
	case strings.Contains(layout, "Mon"):
		s = strings.Replace(s, t.Weekday().String()[:3], wd[:3], 1)
	}
	switch {
	case strings.Contains(layout, "January"):
		s = strings.Replace(s, t.Month().String(), mo, 1)
	case strings.Contains(layout, "Jan"):
		s = strings.Replace(s, t.Month().String()[:3], mo[:3], 1)
	}
	return s
}
