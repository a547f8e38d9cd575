package actions

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for what the actions read from outside: a request (the body
// of POST /api/v1/actions, decoded as the API decodes it) through check and
// Plan, and the audit records read back from bbolt, which a damaged disk
// may hand back as any bytes. Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzRequest ./app/actions

var fzWIB = time.FixedZone("WIB", 7*3600)

// fzNow is the sale clock of the fuzz targets: three minutes into the sale.
var fzNow = time.Date(2026, 11, 23, 14, 3, 0, 0, fzWIB)

// fzChannel is a channel whose API answers every action at once.
type fzChannel struct {
	id   string
	caps datasources.Capabilities

	mu     sync.Mutex
	paused bool
	end    time.Time
	calls  int
}

func (c *fzChannel) ID() string                             { return c.id }
func (c *fzChannel) Kind() string                           { return datasources.KindBrandstore }
func (c *fzChannel) Capabilities() datasources.Capabilities { return c.caps }
func (c *fzChannel) Health(context.Context) error           { return nil }
func (c *fzChannel) Stock(context.Context, []string) ([]datasources.StockReading, error) {
	return nil, nil
}
func (c *fzChannel) Orders(_ context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Next: since, Total: -1}, nil
}

func (c *fzChannel) ReadSale(context.Context, datasources.SaleTarget) (datasources.SaleControl, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return datasources.SaleControl{Paused: c.paused, End: c.end, SKUs: []datasources.StockReading{{SKU: "POCO-M3", Sellable: 10}}}, nil
}

func (c *fzChannel) set(fn func()) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	fn()
	return nil
}

func (c *fzChannel) PauseSale(context.Context, datasources.SaleTarget, datasources.ActionMeta) error {
	return c.set(func() { c.paused = true })
}
func (c *fzChannel) ResumeSale(context.Context, datasources.SaleTarget, datasources.SaleControl, datasources.ActionMeta) error {
	return c.set(func() { c.paused = false })
}
func (c *fzChannel) ExtendSale(_ context.Context, _ datasources.SaleTarget, until time.Time, _ datasources.ActionMeta) error {
	return c.set(func() { c.end = until })
}
func (c *fzChannel) CancelOrder(context.Context, string, datasources.ActionMeta) error {
	return c.set(func() {})
}
func (c *fzChannel) ReadOrder(_ context.Context, id string) (datasources.Order, error) {
	return datasources.Order{ID: id, Status: "cancelled"}, nil
}

// fzReader is a channel with orders and nothing else (Akulaku).
type fzReader struct{ id string }

func (r fzReader) ID() string   { return r.id }
func (r fzReader) Kind() string { return datasources.KindAkulaku }
func (r fzReader) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true}
}
func (r fzReader) Health(context.Context) error { return nil }
func (r fzReader) Stock(context.Context, []string) ([]datasources.StockReading, error) {
	return nil, nil
}
func (r fzReader) Orders(_ context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Next: since, Total: -1}, nil
}

// fzEngine has one sale, "poco-m3-launch", on a channel with an API for
// every action (micom-id), one without (akulaku-id) and a closed one.
type fzEngine struct {
	micom *fzChannel

	mu  sync.Mutex
	end map[string]time.Time
}

const fzSale = "poco-m3-launch"

var fzSaleEnd = time.Date(2026, 11, 23, 16, 0, 0, 0, fzWIB)

func newFzEngine() *fzEngine {
	all := datasources.Capabilities{Orders: true, Stock: true, Pause: true, Resume: true, Extend: true, CancelOrder: true}
	return &fzEngine{micom: &fzChannel{id: "micom-id", caps: all, end: fzSaleEnd}, end: map[string]time.Time{}}
}

func (e *fzEngine) SaleInfo(id string) (engine.SaleInfo, bool) {
	if id != fzSale {
		return engine.SaleInfo{}, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	endOn := func(ch string) time.Time {
		if t, ok := e.end[ch]; ok {
			return t
		}
		return fzSaleEnd
	}
	return engine.SaleInfo{
		ID: fzSale, Name: "POCO M3 flash sale", Location: fzWIB,
		Start: time.Date(2026, 11, 23, 14, 0, 0, 0, fzWIB), End: fzSaleEnd, MaxEnd: fzSaleEnd.Add(config.DefaultMaxExtension),
		Channels: []engine.SaleChannelInfo{
			{ID: "micom-id", Name: "mi.com ID", Kind: datasources.KindBrandstore, Source: e.micom, Caps: e.micom.caps, SKUs: []string{"POCO-M3"}, End: endOn("micom-id")},
			{ID: "akulaku-id", Name: "Akulaku ID", Kind: datasources.KindAkulaku, Source: fzReader{"akulaku-id"}, Caps: datasources.Capabilities{Orders: true}, SKUs: []string{"POCO-M3"}, End: endOn("akulaku-id")},
			{ID: "poco-global", Name: "POCO Global", Kind: datasources.KindBrandstore, SKUs: []string{"POCO-M3"}, End: fzSaleEnd},
		},
	}, true
}

func (e *fzEngine) SetChannelEnd(sale, channel string, end time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.end[channel] = end
	return nil
}

func (e *fzEngine) SetChannelPaused(string, string, bool) error { return nil }

func (e *fzEngine) ReviewFlag(sale, channel, orderID, by, note string) (rules.Flag, error) {
	if orderID != "5001" {
		return rules.Flag{}, errors.New("no flagged order " + orderID)
	}
	return rules.Flag{Sale: sale, Channel: channel, OrderID: orderID}, nil
}

func (e *fzEngine) Remaining(sale, channel, sku string) (int, bool) {
	return 7, sale == fzSale
}

func (e *fzEngine) NoteStock(string, []datasources.StockReading) {}

func (e *fzEngine) FlagChannels(sale, orderID string) []string {
	if sale == fzSale && orderID == "5001" {
		return []string{"micom-id"}
	}
	return nil
}

// newFzService opens a service on a fresh database. Its sync is off: the
// targets test decoding, not durability, and a sync per write would leave
// the fuzzer a few runs a second.
func newFzService(tb testing.TB) (*Service, *store.Store, *fzEngine) {
	tb.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.OpenWith(tb.TempDir(), store.Options{KeyFile: filepath.Join(tb.TempDir(), "data.key"), Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	st.SetNoSync(true)
	eng := newFzEngine()
	s, err := New(Options{Store: st, Engine: eng, Now: func() time.Time { return fzNow }, Timeout: time.Second, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	return s, st, eng
}

// requestFields are the fields of a request, as its JSON spells them: the
// Field of every InvalidError.
var requestFields = []string{"kind", "sale", "channels", "until", "by", "order_id", "reason", "idempotency_key"}

// decodeStrict decodes a request body as the API does: unknown fields and
// wrong types are refused.
func decodeStrict(b []byte) (Request, error) {
	var r Request
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(&r)
	return r, err
}

// FuzzRequest: a request either fails check and Plan with an InvalidError
// naming one of its fields, or passes check with every promise check makes
// kept, and Plan resolves it to channels of the sale, each once, open, and
// for an extension a new end later than now and than every channel's end.
// A request written out as JSON and read again is judged the same.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{
		`{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"bots","idempotency_key":"k1"}`,
		`{"kind":"extend","sale":"poco-m3-launch","by":"30m","reason":"demand","idempotency_key":"7f9c2ba4-e88f-4a0c-8b7e-1d2c3e4f5a6b"}`,
		`{"kind":"extend","sale":"poco-m3-launch","until":"2026-11-23T17:00:00+07:00","reason":"demand","idempotency_key":"k2"}`,
		`{"kind":"extend","sale":"poco-m3-launch","until":"9999-12-31T23:00:00Z","reason":"demand","idempotency_key":"k2"}`,
		`{"kind":"extend","sale":"poco-m3-launch","by":"2562047h","reason":"demand","idempotency_key":"k2"}`,
		`{"kind":"cancel_order","sale":"poco-m3-launch","order_id":"5001","reason":"scalper","idempotency_key":"k3"}`,
		`{"kind":"review_order","sale":"poco-m3-launch","order_id":"5001","channels":["micom-id","akulaku-id"],"reason":"ok","idempotency_key":"k4"}`,
		`{"kind":"resume","sale":"poco-m3-launch","channels":["micom-id","micom-id"],"reason":"r","idempotency_key":"k5"}`,
		`{"kind":"pause","sale":"poco-m3-launch","channels":["poco-global"],"reason":"r","idempotency_key":"k6"}`,
		`{"kind":"pause","sale":"nope","reason":" ","idempotency_key":"has space"}`,
		`{"kind":"extend","sale":"poco-m3-launch","by":"-1h","until":"2026-11-23T17:00:00Z","reason":"r","idempotency_key":"k7"}`,
		`{"kind":"review_order","sale":"poco-m3-launch","order_id":"5001\u0000\r\nlevel=ERROR","channels":["micom-id"],"reason":"ok","idempotency_key":"k8"}`,
		`{"kind":"cancel_order","sale":"poco-m3-launch","order_id":"` + strings.Repeat("9", MaxOrderID+1) + `","channels":["micom-id"],"reason":"r","idempotency_key":"k9"}`,
	} {
		f.Add([]byte(s))
	}
	s, _, eng := newFzService(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeStrict(body)
		if err != nil {
			return
		}
		checkErr := req.check()
		if checkErr != nil {
			checkInvalid(t, checkErr)
		} else {
			checkRequest(t, &req)
		}
		a, err := s.Plan(req)
		switch {
		case checkErr != nil:
			if err == nil || err.Error() != checkErr.Error() {
				t.Fatalf("check refused %s (%v), Plan said %v", body, checkErr, err)
			}
		case err != nil:
			checkInvalid(t, err)
		default:
			checkPlan(t, eng, &req, &a)
		}
		out, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeStrict(out)
		if err != nil {
			t.Fatalf("%s written out as %s does not read back: %v", body, out, err)
		}
		if e1, e2 := checkErr, again.check(); (e1 == nil) != (e2 == nil) || (e1 != nil && e1.Error() != e2.Error()) {
			t.Fatalf("%s judged %v, written out as %s judged %v", body, e1, out, e2)
		}
	})
}

func checkInvalid(t *testing.T, err error) {
	t.Helper()
	var inv *InvalidError
	if !errors.As(err, &inv) || !slices.Contains(requestFields, inv.Field) || strings.TrimSpace(inv.Message) == "" {
		t.Fatalf("refusal %T %v does not name a field of the request", err, err)
	}
}

func checkRequest(t *testing.T, r *Request) {
	t.Helper()
	if !slices.Contains(Kinds, r.Kind) || strings.TrimSpace(r.Sale) == "" || strings.TrimSpace(r.Reason) == "" || len(r.Reason) > MaxReason {
		t.Fatalf("accepted %+v", r)
	}
	if k := r.IdempotencyKey; k == "" || len(k) > MaxKey || strings.ContainsFunc(k, func(c rune) bool { return c <= ' ' || c > '~' }) {
		t.Fatalf("accepted idempotency key %q", k)
	}
	switch r.Kind {
	case Extend:
		if r.Until.IsZero() == (r.By == "") {
			t.Fatalf("accepted an extension with until %v and by %q", r.Until, r.By)
		}
		if r.By != "" {
			if d, err := time.ParseDuration(r.By); err != nil || d <= 0 {
				t.Fatalf("accepted by %q", r.By)
			}
		}
	case CancelOrder, ReviewOrder:
		if strings.TrimSpace(r.OrderID) == "" || len(r.Channels) > 1 {
			t.Fatalf("accepted %s of order %q on %v", r.Kind, r.OrderID, r.Channels)
		}
		if id := r.OrderID; len(id) > MaxOrderID || !utf8.ValidString(id) || strings.TrimSpace(id) != id ||
			strings.ContainsFunc(id, func(c rune) bool { return !unicode.IsPrint(c) }) {
			t.Fatalf("accepted order id %q", id)
		}
	default:
		if r.OrderID != "" {
			t.Fatalf("accepted %s with an order id", r.Kind)
		}
	}
	if r.Kind != Extend && (!r.Until.IsZero() || r.By != "") {
		t.Fatalf("accepted %s with until or by", r.Kind)
	}
}

func checkPlan(t *testing.T, eng *fzEngine, r *Request, a *Action) {
	t.Helper()
	if a.Kind != r.Kind || a.Sale != r.Sale || a.Reason != strings.TrimSpace(r.Reason) || a.Key != r.IdempotencyKey || a.Summary == "" {
		t.Fatalf("%+v planned as %+v", r, a)
	}
	if len(a.Channels) == 0 || len(a.Results) != len(a.Channels) {
		t.Fatalf("%+v planned on channels %v with %d results", r, a.Channels, len(a.Results))
	}
	if len(r.Channels) > 0 && !slices.Equal(a.Channels, r.Channels) {
		t.Fatalf("asked for %v, planned on %v", r.Channels, a.Channels)
	}
	si, _ := eng.SaleInfo(fzSale)
	for i, ch := range a.Channels {
		c, ok := si.Channel(ch)
		if !ok || c.Source == nil || slices.Index(a.Channels, ch) != i {
			t.Fatalf("planned on %v: %q is not an open channel of the sale, or is named twice", a.Channels, ch)
		}
		if res := a.Results[i]; res.Channel != ch || (res.Result != Pending && res.Result != Manual) || res.Effect == "" {
			t.Fatalf("planned result %+v", res)
		}
	}
	if r.Kind == Extend && (!a.Until.After(fzNow) || !a.Until.After(fzSaleEnd) || a.Until.After(fzSaleEnd.Add(config.DefaultMaxExtension))) {
		t.Fatalf("an extension planned to end at %v (now %v, the sale ends %v, may be extended by %v)", a.Until, fzNow, fzSaleEnd, config.DefaultMaxExtension)
	}
}

// FuzzAuditRecord: whatever bytes bbolt hands back for an action and for
// the stock saved before a pause, reading the audit trail, listing it,
// replaying a key, confirming, retrying, recovering after a restart and
// writing the CSV either work or fail with an error that names the record:
// never a panic, never a record passed off as read.
func FuzzAuditRecord(f *testing.F) {
	good := `{"id":"A000000001","idempotency_key":"fz-key","kind":"pause","sale":"poco-m3-launch","sale_name":"POCO M3 flash sale","channels":["micom-id","akulaku-id"],"reason":"bots","user":"ayu","role":"operator","created_at":"2026-11-23T07:03:00Z","updated_at":"2026-11-23T07:03:01Z","summary":"Pause POCO M3 flash sale on mi.com ID; on Akulaku ID: manual step","results":[{"channel":"micom-id","channel_name":"mi.com ID","effect":"paused","result":"failed","message":"HTTP 503","attempts":1,"updated":"2026-11-23T07:03:01Z","before":{"paused":false,"skus":[{"sku":"POCO-M3","sellable":10,"price":0,"sale_price":0,"state":"active"}]}},{"channel":"akulaku-id","channel_name":"Akulaku ID","effect":"manual","result":"manual","attempts":0,"updated":"2026-11-23T07:03:00Z"}]}`
	before := `{"paused":false,"skus":[{"sku":"POCO-M3","sellable":10,"price":199900000,"sale_price":0,"state":"active"}]}`
	f.Add([]byte(good), []byte(before))
	f.Add([]byte(strings.Replace(good, `"kind":"pause"`, `"kind":"resume"`, 1)), []byte(`{"skus":null}`))
	f.Add([]byte(strings.Replace(good, `"result":"failed"`, `"result":"pending"`, 1)), []byte(`[]`))
	f.Add([]byte(`{"id":"A000000001","kind":"extend","sale":"poco-m3-launch","channels":["micom-id"],"results":[{"channel":"micom-id","result":"failed"}]}`), []byte(`{"skus":[{"sku":"A","sellable":"x"}]}`))
	f.Add([]byte(`{"results":[{"channel":"micom-id","result":"unknown"}],"until":"not a time"}`), []byte(`null`))
	f.Add([]byte(good[:100]), []byte(before[:20]))
	f.Add([]byte{}, []byte{0xff, 0xfe})
	s, st, _ := newFzService(f)
	op := User{Name: "ayu", Role: config.RoleOperator}
	ctx := context.Background()
	const id, key = "A000000001", "fz-key"
	f.Fuzz(func(t *testing.T, rec, saved []byte) {
		err := st.UpdateAudit(func(tx store.AuditTx) error {
			if err := tx.PutAction(id, rec); err != nil {
				return err
			}
			if err := tx.PutKey(op.Name, key, id); err != nil {
				return err
			}
			return tx.PutOwed(fzSale, "micom-id", saved)
		})
		if err != nil {
			t.Fatal(err)
		}
		var want Action
		readable := json.Unmarshal(rec, &want) == nil

		a, err := s.Get(id)
		if readable != (err == nil) {
			t.Fatalf("Get of %q: %v", rec, err)
		}
		list, err := s.List(Filter{})
		if readable != (err == nil) || (err != nil && !strings.Contains(err.Error(), id)) || (err == nil && len(list) != 1) {
			t.Fatalf("List of %q: %d actions, %v", rec, len(list), err)
		}
		for _, fl := range []Filter{{Channel: "micom-id", Result: Failed}, {Kind: Pause, User: "ayu", Text: "BOTS"}, {Result: Manual, Limit: 1}} {
			if _, err := s.List(fl); readable != (err == nil) {
				t.Fatalf("List(%+v) of %q: %v", fl, rec, err)
			}
		}
		if readable {
			_ = a.Status()
			var b bytes.Buffer
			if err := WriteCSV(&b, []Action{a}); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&b).ReadAll()
			if err != nil || len(rows) != 1+len(a.Results) {
				t.Fatalf("CSV of %q: %d rows, %v", rec, len(rows), err)
			}
		}
		replay, err := s.Submit(ctx, op, Request{Kind: Pause, Sale: fzSale, Channels: []string{"micom-id", "akulaku-id"}, Reason: "bots", IdempotencyKey: key})
		switch {
		case !readable && err == nil:
			t.Fatalf("a key pointing at %q replayed %+v", rec, replay)
		case readable && err == nil && !replay.Replayed:
			t.Fatalf("a key already used acted again: %+v", replay)
		case readable && err != nil && !errors.Is(err, ErrKeyReused):
			t.Fatalf("replay of %q: %v", rec, err)
		}
		_, _ = s.ConfirmManual(op, id, "akulaku-id")
		_, _ = s.Retry(ctx, op, id)
		if err := s.Recover(); readable != (err == nil) {
			t.Fatalf("Recover with %q: %v", rec, err)
		}
		if readable {
			after, err := s.Get(id)
			if err != nil {
				t.Fatalf("%q was readable, then: %v", rec, err)
			}
			if after.Status() == Pending {
				t.Fatalf("a result still pending after Recover: %+v", after.Results)
			}
		}
		var sc datasources.SaleControl
		readableBefore := json.Unmarshal(saved, &sc) == nil
		if _, err := s.audit.owed(fzSale, "micom-id"); readableBefore != (err == nil) && len(saved) > 0 {
			t.Fatalf("owed of %q: %v", saved, err)
		}
		err = s.audit.owe(fzSale, "micom-id", []datasources.StockReading{{SKU: "POCO-M3", Sellable: 1}}, 1)
		if len(saved) > 0 && readableBefore != (err == nil) {
			t.Fatalf("owing over %q: %v", saved, err)
		}
		if err != nil && !strings.Contains(err.Error(), "unreadable") {
			t.Fatalf("owing over %q: %v does not say the record is unreadable", saved, err)
		}
	})
}

// FuzzWriteCSV: the audit CSV reads back, one row per channel of each
// action, every cell as CSVCell writes it: no cell a spreadsheet would run
// as a formula, no control character but tab, line feed and carriage
// return.
func FuzzWriteCSV(f *testing.F) {
	f.Add("bots on 0812", "HTTP 503 from the store", "5012000431")
	f.Add(`=HYPERLINK("http://x","click")`, "+1", "@SUM(A1)")
	f.Add("line\r\nbreak, \"quoted\"", "-", "\t=1")
	f.Add("\r=1+1", "\x00=2", "50\x0012")
	f.Fuzz(func(t *testing.T, reason, message, order string) {
		a := Action{ID: "A000000001", Key: "k", Kind: CancelOrder, Sale: fzSale, OrderID: order, Reason: reason, User: "ayu", Role: config.RoleOperator,
			CreatedAt: fzNow, Results: []ChannelResult{
				{Channel: "micom-id", Effect: "cancelled", Result: Failed, Message: message, Attempts: 1, Updated: fzNow},
				{Channel: "akulaku-id", Effect: message, Result: Manual, ConfirmedBy: reason},
			}}
		var b bytes.Buffer
		if err := WriteCSV(&b, []Action{a}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil || len(rows) != 3 || !slices.Equal(rows[0], CSVHeader) {
			t.Fatalf("%d rows, %v:\n%s", len(rows), err, b.String())
		}
		// encoding/csv reads a line break inside a cell as "\n".
		same := func(got, want string) bool {
			return got == strings.ReplaceAll(CSVCell(want), "\r\n", "\n")
		}
		for i, r := range a.Results {
			row := rows[1+i]
			for col, want := range map[int]string{6: order, 8: reason, 9: r.Channel, 10: r.Effect, 12: r.Message, 14: r.ConfirmedBy} {
				if !same(row[col], want) {
					t.Fatalf("row %d, %s: %q, want %q", i+1, CSVHeader[col], row[col], CSVCell(want))
				}
			}
			for col, cell := range row {
				if unsafeCell(cell) {
					t.Fatalf("row %d, %s: %q would run as a formula or holds a control character", i+1, CSVHeader[col], cell)
				}
			}
		}
	})
}

// A key kept before keys were scoped per user still replays for the user
// whose action it holds, and for nobody else.
func TestLegacyKeyCountsForItsOwnUserOnly(t *testing.T) {
	s, st, _ := newFzService(t)
	good := `{"id":"A000000007","idempotency_key":"old-key","kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"bots","user":"ayu","role":"operator","results":[{"channel":"micom-id","result":"applied"}]}`
	err := st.UpdateAudit(func(tx store.AuditTx) error {
		if err := tx.PutAction("A000000007", []byte(good)); err != nil {
			return err
		}
		return tx.PutLegacyKey("old-key", "A000000007")
	})
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Kind: Pause, Sale: fzSale, Channels: []string{"micom-id"}, Reason: "bots", IdempotencyKey: "old-key"}
	got, err := s.Submit(context.Background(), User{Name: "ayu", Role: config.RoleOperator}, req)
	if err != nil || !got.Replayed || got.ID != "A000000007" {
		t.Errorf("ayu's old key: %+v %v", got, err)
	}
	got, err = s.Submit(context.Background(), User{Name: "budi", Role: config.RoleOperator}, req)
	if err != nil || got.Replayed || got.ID == "A000000007" || got.User != "budi" {
		t.Errorf("budi with ayu's old key: %+v %v", got, err)
	}
}

// unsafeCell reports whether a cell would run as a formula in a
// spreadsheet or holds a control character other than tab, line feed and
// carriage return (or bytes that are not UTF-8).
func unsafeCell(cell string) bool {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return true
	}
	if !utf8.ValidString(cell) {
		return true
	}
	return strings.ContainsFunc(cell, func(r rune) bool {
		return r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r >= 0x7f && r <= 0x9f)
	})
}

// FuzzCSVCell: any text comes out safe (unsafeCell), idempotent, and
// otherwise as written: with the dropped control characters put aside,
// it is the text itself, or the text behind one apostrophe when the text
// would run.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"bots on 0812", "", "=1+1", "\t=1", "\r-1", "\x00@x", "a\x1b[2Jb", "\u009b=1", "'=1", "\xff=", "\n=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CSVCell(in)
		if unsafeCell(out) {
			t.Fatalf("CSVCell(%q) = %q: unsafe", in, out)
		}
		if again := CSVCell(out); again != out {
			t.Fatalf("CSVCell(%q) = %q, and again %q", in, out, again)
		}
		kept := strings.Map(func(r rune) rune {
			if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r >= 0x7f && r <= 0x9f) {
				return -1
			}
			return r
		}, strings.ToValidUTF8(in, "\uFFFD"))
		switch {
		case out == kept:
			if kept != "" && strings.ContainsRune("=+-@\t\r", rune(kept[0])) {
				t.Fatalf("CSVCell(%q) = %q: left to run", in, out)
			}
		case out == "'"+kept:
			if kept == "" || !strings.ContainsRune("=+-@\t\r", rune(kept[0])) {
				t.Fatalf("CSVCell(%q) = %q: an apostrophe before harmless text", in, out)
			}
		default:
			t.Fatalf("CSVCell(%q) = %q, want %q with at most an apostrophe before it", in, out, kept)
		}
	})
}
