package actions

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CSVHeader names the columns of WriteCSV.
var CSVHeader = []string{
	"action_id", "created_at", "user", "role", "kind", "sale", "order_id", "until", "reason",
	"channel", "effect", "result", "message", "attempts", "confirmed_by", "updated_at", "idempotency_key",
}

// WriteCSV writes the actions as CSV, one row per channel of each action,
// times in RFC 3339. Every cell goes through CSVCell: a spreadsheet must
// not run a reason that starts with "=" as a formula.
func WriteCSV(w io.Writer, acts []Action) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for _, a := range acts {
		for _, r := range a.Results {
			row := []string{
				a.ID, ts(a.CreatedAt), a.User, a.Role, string(a.Kind), a.Sale, a.OrderID, ts(a.Until), a.Reason,
				r.Channel, r.Effect, string(r.Result), r.Message, strconv.Itoa(r.Attempts), r.ConfirmedBy, ts(r.Updated), a.Key,
			}
			for i, c := range row {
				row[i] = CSVCell(c)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVCell makes a text cell safe to open in a spreadsheet (OWASP's CSV
// injection guidance). Every CSV that flashdeck writes passes its text
// cells through it; numbers it formats itself need not (a negative one
// would turn into text).
//
//   - Control characters are dropped: NUL, the other C0 controls but tab,
//     line feed and carriage return, DEL, and the C1 controls (U+0080 to
//     U+009F). None belongs in a reason, a name or an id; NUL cuts a cell
//     short in some readers, and escape sequences (ESC, CSI) would act on
//     a terminal that shows the file. Tab, line feed and carriage return
//     are kept inside a cell: a reason may have several lines, and the
//     CSV writer quotes such a cell. Bytes that are not UTF-8 become
//     U+FFFD, so that no stray byte reads as a C1 control either.
//   - A cell that then starts with "=", "+", "-", "@", a tab or a
//     carriage return gets a leading apostrophe, which spreadsheets take
//     as "text": they would otherwise read it as a formula (a spreadsheet
//     may trim a leading tab or carriage return and read what follows).
//
// It is idempotent: a defused cell stays as it is.
func CSVCell(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, csvDropped) >= 0 {
		s = strings.Map(func(r rune) rune {
			if csvDropped(r) {
				return -1
			}
			return r
		}, s)
	}
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvDropped reports whether CSVCell drops a character.
func csvDropped(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
}
