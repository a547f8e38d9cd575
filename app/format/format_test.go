package format

import (
	"math"
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	now := time.Date(2026, 11, 23, 14, 5, 9, 0, wib)
	cases := []struct{ got, want string }{
		{Int(0, "."), "0"},
		{Int(999, "."), "999"},
		{Int(1000, "."), "1.000"},
		{Int(1234567, ","), "1,234,567"},
		{Int(-1234567, "."), "-1.234.567"},
		{Count(12345, "IDR"), "12.345"},
		{Money(199900000, "IDR"), "Rp 1.999.000"},
		{Money(129950, "MYR"), "RM 1,299.50"},
		{Percent(0.4237, "IDR"), "42%"},
		{Percent(0.052, "MYR"), "5.2%"},
		{Percent(0.052, "IDR"), "5,2%"},
		{Percent(1, "IDR"), "100%"},
		{Rate(3.25, "MYR"), "3.2/min"},
		{Rate(3.25, "IDR"), "3,2/min"},
		{Rate(340.4, "IDR"), "340/min"},
		{Rate(14704.6, "IDR"), "14.705/min"},
		{Rate(14704.6, "MYR"), "14,705/min"},
		{Rate(14704.6, ""), "14,705/min"},
		{Rate(math.NaN(), "IDR"), "—"},
		{Age(now.Add(-12*time.Second), now), "12 s ago"},
		{Age(now.Add(-4*time.Minute), now), "4 min ago"},
		{Age(time.Time{}, now), "never"},
		{Clock(now, nil), "14:05 WIB"},
		{ClockSec(now.UTC(), wib), "14:05:09 WIB"},
		{Clock(now, time.FixedZone("", 8*3600)), "15:05 UTC+8"},
		{Countdown(3723 * time.Second), "1:02:03"},
		{Countdown(754 * time.Second), "12:34"},
		{Countdown(-time.Second), "00:00"},
		{Duration(850 * time.Millisecond), "850 ms"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestLanguageDecides(t *testing.T) {
	defer SetLanguage("")
	at := time.Date(2026, 12, 7, 14, 5, 0, 0, time.UTC)
	cases := []struct {
		lang, cur string
		got       func() string
		want      string
	}{
		{"", "IDR", func() string { return Count(1234567, "IDR") }, "1.234.567"},
		{"", "MYR", func() string { return Count(1234567, "MYR") }, "1,234,567"},
		{"id", "MYR", func() string { return Count(1234567, "MYR") }, "1.234.567"},
		{"en", "IDR", func() string { return Count(1234567, "IDR") }, "1,234,567"},
		{"id", "MYR", func() string { return Money(129950, "MYR") }, "RM 1.299,50"},
		{"en", "IDR", func() string { return Money(199900000, "IDR") }, "Rp 1,999,000"},
		{"id", "MYR", func() string { return Rate(3.25, "MYR") }, "3,2/mnt"},
		{"en", "IDR", func() string { return Rate(3.25, "IDR") }, "3.2/min"},
		{"id", "", func() string { return Percent(0.052, "") }, "5,2%"},
		{"id", "", func() string { return Age(at.Add(-4*time.Minute), at) }, "4 mnt lalu"},
		{"id", "", func() string { return Age(time.Time{}, at) }, "belum pernah"},
		{"en", "", func() string { return Age(at.Add(-4*time.Minute), at) }, "4 min ago"},
		{"id", "", func() string { return Date(at, time.UTC) }, "Senin, 7 Desember 2026"},
		{"en", "", func() string { return Date(at, time.UTC) }, "Monday 7 December 2026"},
		{"id", "", func() string { return Weekday(at.AddDate(0, 0, 1), time.UTC) }, "Sel 14:05"},
		{"en", "", func() string { return Weekday(at, time.UTC) }, "Mon 14:05"},
		{"id", "", func() string { return Duration(3200 * time.Millisecond) }, "3,2 dtk"},
		{"id", "", func() string { return Layout(at, "Mon 2 Jan 15:04") }, "Sen 7 Des 14:05"},
		{"id", "", func() string { return Layout(at.AddDate(0, -7, 2), "Monday 2 January 2006 15:04 MST") }, "Sabtu 9 Mei 2026 14:05 UTC"},
		{"id", "", func() string { return Layout(at, "2006-01-02 15:04") }, "2026-12-07 14:05"},
		{"en", "", func() string { return Layout(at, "Mon 2 Jan 15:04") }, "Mon 7 Dec 14:05"},
		{"id", "", func() string { return Decimal(2.25, "") }, "2,2"},
		{"en", "", func() string { return Decimal(2.25, "") }, "2.2"},
	}
	for _, c := range cases {
		SetLanguage(c.lang)
		if got := c.got(); got != c.want {
			t.Errorf("language %q, currency %q: got %q, want %q", c.lang, c.cur, got, c.want)
		}
	}
}
