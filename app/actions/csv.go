package actions

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// CSVHeader names the columns of WriteCSV.
var CSVHeader = []string{
	"action_id", "created_at", "user", "role", "kind", "sale", "order_id", "until", "reason",
	"channel", "effect", "result", "message", "attempts", "confirmed_by", "updated_at", "idempotency_key",
}

// WriteCSV writes the actions as CSV, one row per channel of each action,
// times in RFC 3339. Cells are written as text: a spreadsheet must not
// run a reason that starts with "=" as a formula, so such cells get a
// leading apostrophe.
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
				row[i] = defuse(c)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from reading a cell as a formula.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
