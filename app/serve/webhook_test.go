package serve_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// signPush signs a push body as Lazada does, with the simulator's signer
// (written independently of the collector's verifier).
func signPush(key, secret, body string) string {
	return simulator.SignLazadaPush(key, secret, []byte(body))
}

// pushTo posts a push message as Lazada does, with an Authorization
// header ("" for none), and returns the status, the body and how long the
// answer took.
func pushTo(t *testing.T, url, auth string, body []byte) (int, string, time.Duration) {
	t.Helper()
	req, err := simulator.LazadaPushRequest(t.Context(), url+"/webhooks/lazada", body, auth)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String(), time.Since(start)
}

// pushRoom is a collector polled once a minute: after its first full read,
// only a push can bring an order within the test.
func pushRoom(t *testing.T) *room {
	t.Helper()
	r := startRoom(t, roomOptions{users: roomUsers, env: roomEnv, poll: time.Minute})
	waitFirstRead(t, r.c)
	return r
}

// waitFirstRead waits until every channel has been read once, fully.
func waitFirstRead(t *testing.T, c *collector.Collector) {
	t.Helper()
	testwait.For(t, 30*time.Second, "the channels were not read", func() bool {
		ok := true
		for _, ch := range c.Engine.Snapshot().Channels {
			ok = ok && ch.State == "ok" && !ch.Backfill.Active
		}
		return ok
	})
}

// newLazadaOrder moves the sale on and returns an order the collector has
// not read: placed after its last poll, still open, with its units per SKU.
func newLazadaOrder(t *testing.T, r *room) (simulator.OrderView, map[string]int) {
	t.Helper()
	before := r.clock.Now()
	r.clock.Advance(30 * time.Second)
	page, _ := r.sim.Server.Book("lazada-id").Updates(simulator.Query{After: before, Limit: 100})
	for _, o := range page {
		if o.Status == simulator.StatusCanceled || !o.CreatedAt.After(before) {
			continue
		}
		units := map[string]int{}
		for _, it := range o.Items {
			if !it.Cancelled {
				units[it.SKU] += it.Qty
			}
		}
		if len(units) > 0 {
			return o, units
		}
	}
	t.Fatal("the simulator placed no new open Lazada order in 30 s of sale")
	return simulator.OrderView{}, nil
}

// lazadaSold is what the snapshot shows sold per SKU on lazada-id, and how
// many of its orders the engine holds.
func lazadaSold(s *engine.Snapshot) (map[string]int, int) {
	sold := map[string]int{}
	for _, k := range s.Sales[0].SKUs {
		for _, c := range k.Channels {
			if c.Channel == "lazada-id" {
				sold[k.SKU] = c.Sold
			}
		}
	}
	orders := 0
	for _, ch := range s.Channels {
		if ch.ID == "lazada-id" {
			orders = ch.Orders
		}
	}
	return sold, orders
}

func lastPoll(s *engine.Snapshot) time.Time {
	for _, ch := range s.Channels {
		if ch.ID == "lazada-id" {
			return ch.LastSuccess
		}
	}
	return time.Time{}
}

// waitSold waits until the snapshot shows the order's units added to
// before, and fails if it shows more.
func waitSold(t *testing.T, c *collector.Collector, before map[string]int, units map[string]int, within time.Duration) {
	t.Helper()
	testwait.Until(t, within, func() string {
		sold, _ := lazadaSold(c.Engine.Snapshot())
		for sku, n := range units {
			if sold[sku] > before[sku]+n {
				t.Fatalf("%s: sold %d, want %d: counted twice", sku, sold[sku], before[sku]+n)
			}
			if sold[sku] != before[sku]+n {
				return fmt.Sprintf("the pushed order is not in the snapshot: sold %v, want %v plus %v", sold, before, units)
			}
		}
		return ""
	})
}

func webhooks(r *room, channel, result string) float64 {
	return testutil.ToFloat64(r.c.Metrics.Webhooks.WithLabelValues(channel, result))
}

func TestLazadaPushShowsTheOrderBeforeTheNextPoll(t *testing.T) {
	r := pushRoom(t)
	o, units := newLazadaOrder(t, r)
	snap := r.c.Engine.Snapshot()
	before, orders := lazadaSold(snap)
	polled := lastPoll(snap)

	body, auth, err := r.sim.Server.LazadaPush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, answer, took := pushTo(t, r.srv.URL, auth, body)
	if code != 200 || !strings.Contains(answer, `"status": "accepted"`) || !strings.Contains(answer, o.ID) {
		t.Fatalf("push: %d %s", code, answer)
	}
	if testwait.Timed() && took > 500*time.Millisecond {
		t.Errorf("the push was answered in %v, Lazada waits 500 ms", took)
	}
	// The next poll is a minute away: only the push can bring it.
	waitSold(t, r.c, before, units, 5*time.Second)
	snap = r.c.Engine.Snapshot()
	if _, n := lazadaSold(snap); n != orders+1 {
		t.Errorf("the engine holds %d Lazada orders, want %d: one more", n, orders+1)
	}
	if !lastPoll(snap).Equal(polled) {
		t.Fatal("lazada-id was polled meanwhile: the test proves nothing")
	}

	// Lazada delivers again (a retry after a lost answer): acknowledged,
	// not read again, counted once.
	for range 2 {
		if code, answer, _ := pushTo(t, r.srv.URL, auth, body); code != 200 || !strings.Contains(answer, `"status": "duplicate"`) {
			t.Fatalf("replay: %d %s", code, answer)
		}
	}
	// The engine can read the order again directly: still counted once.
	if err := r.c.Engine.FetchOrder(t.Context(), "lazada-id", o.ID); err != nil {
		t.Fatal(err)
	}
	// Time itself must pass: the check is that nothing happens, so there
	// is no condition to wait for; a wrongly queued read lands within this
	// span.
	time.Sleep(300 * time.Millisecond)
	waitSold(t, r.c, before, units, time.Second)
	if _, n := lazadaSold(r.c.Engine.Snapshot()); n != orders+1 {
		t.Errorf("after the replays the engine holds %d Lazada orders, want %d", n, orders+1)
	}
	if got := webhooks(r, "lazada-id", "accepted"); got != 1 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-id",result="accepted"} = %v, want 1`, got)
	}
	if got := webhooks(r, "lazada-id", "duplicate"); got != 2 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-id",result="duplicate"} = %v, want 2`, got)
	}
	if lines := r.logs.lines("webhook", "channel=lazada-id", "order="+o.ID, "result=accepted"); len(lines) != 1 {
		t.Errorf("%d debug lines for the push, want 1:\n%s", len(lines), r.logs)
	}
	if lines := r.logs.lines("webhook duplicate", "channel=lazada-id"); len(lines) != 2 {
		t.Errorf("%d debug lines for the repeats, want 2:\n%s", len(lines), r.logs)
	}
}

// TestARepeatedPushIsReadOnce: one signed push delivered a hundred times
// (a replay, or Lazada retrying) reads the channel once; each repeat is
// answered 200, so that Lazada stops retrying. A new message about the
// same order (stamped later) is read again.
func TestARepeatedPushIsReadOnce(t *testing.T) {
	r := pushRoom(t)
	book := r.sim.Server.Book("lazada-id")
	o, units := newLazadaOrder(t, r)
	before, _ := lazadaSold(r.c.Engine.Snapshot())
	body, auth, err := r.sim.Server.LazadaPush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if code, answer, _ := pushTo(t, r.srv.URL, auth, body); code != 200 || !strings.Contains(answer, `"status": "accepted"`) {
		t.Fatalf("push: %d %s", code, answer)
	}
	waitSold(t, r.c, before, units, 5*time.Second)
	const replays = 100
	for i := range replays {
		code, answer, _ := pushTo(t, r.srv.URL, auth, body)
		if code != 200 || !strings.Contains(answer, `"status": "duplicate"`) || !strings.Contains(answer, o.ID) {
			t.Fatalf("replay %d: %d %s", i, code, answer)
		}
	}
	// Time itself must pass: the check is that no second read happens, so
	// there is no condition to wait for; a wrongly queued read lands within
	// this span.
	time.Sleep(300 * time.Millisecond)
	if n := book.OrderReads(o.ID); n != 1 {
		t.Fatalf("%d replays of one push read the order %d times, want 1", replays, n)
	}
	if got := webhooks(r, "lazada-id", "duplicate"); got != replays {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-id",result="duplicate"} = %v, want %d`, got, replays)
	}
	waitSold(t, r.c, before, units, time.Second)

	// Lazada's next message about the order is another message: read.
	// Time itself must pass: the next message needs a later stamp, and
	// stamps are in milliseconds.
	time.Sleep(2 * time.Millisecond)
	again, auth2, err := r.sim.Server.LazadaPush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(again, body) {
		t.Fatal("the second message is the first one")
	}
	if code, answer, _ := pushTo(t, r.srv.URL, auth2, again); code != 200 || !strings.Contains(answer, `"status": "accepted"`) {
		t.Fatalf("a new message about the order: %d %s", code, answer)
	}
	testwait.For(t, 15*time.Second, "a new message about the order was not read", func() bool { return book.OrderReads(o.ID) >= 2 })
	if n := book.OrderReads(o.ID); n != 2 {
		t.Errorf("a new message about the order: %d reads, want 2", n)
	}
	waitSold(t, r.c, before, units, time.Second)
}

func TestLazadaPushAnswersAtOnceWhenTheChannelIsSlow(t *testing.T) {
	r := pushRoom(t)
	o, units := newLazadaOrder(t, r)
	before, _ := lazadaSold(r.c.Engine.Snapshot())
	// Each of the order's two reads (/order/get, /orders/items/get) waits
	// 1.5 s at the channel.
	r.sim.Server.Book("lazada-id").SetFaults(simulator.Faults{Latency: 1500 * time.Millisecond})
	body, auth, err := r.sim.Server.LazadaPush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, answer, took := pushTo(t, r.srv.URL, auth, body)
	if code != 200 {
		t.Fatalf("push: %d %s", code, answer)
	}
	if testwait.Timed() && took > 500*time.Millisecond {
		t.Errorf("the push was answered in %v with a slow channel, Lazada waits 500 ms", took)
	}
	waitSold(t, r.c, before, units, 15*time.Second)
}

func TestForgedAndMalformedPushesAreRefused(t *testing.T) {
	r := pushRoom(t)
	o, _ := newLazadaOrder(t, r)
	_, orders := lazadaSold(r.c.Engine.Snapshot())
	body, auth, err := r.sim.Server.LazadaPush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	key, secret := r.sim.Server.Creds.LazadaAppKey, r.sim.Server.Creds.LazadaAppSecret
	changed := bytes.Replace(body, []byte(o.ID), []byte(o.ID[:len(o.ID)-1]+"9"), 1)
	if bytes.Equal(changed, body) {
		changed = bytes.Replace(body, []byte(o.ID), []byte(o.ID[:len(o.ID)-1]+"8"), 1)
	}
	forged := []struct {
		name, auth string
		body       []byte
		want       string
	}{
		{"missing header", "", body, "Authorization header is missing"},
		{"wrong secret", signPush(key, "not-the-secret", string(body)), body, "not the signature"},
		{"wrong app key", signPush("999999", secret, string(body)), body, "not the signature"},
		{"changed body", auth, changed, "not the signature"},
		{"operator's bearer token", "Bearer ayu-secret", body, "not the signature"},
	}
	for _, f := range forged {
		code, answer, _ := pushTo(t, r.srv.URL, f.auth, f.body)
		if code != 401 || !strings.Contains(answer, f.want) {
			t.Errorf("%s: %d %s, want 401 with %q", f.name, code, answer, f.want)
		}
	}
	if got := webhooks(r, "unknown", "forged"); got != float64(len(forged)) {
		t.Errorf(`flashdeck_webhooks_total{channel="unknown",result="forged"} = %v, want %d`, got, len(forged))
	}
	if lines := r.logs.lines("webhook refused", "status=401", "route=\"POST /webhooks/lazada\""); len(lines) != len(forged) {
		t.Errorf("%d log lines for the forged pushes, want %d:\n%s", len(lines), len(forged), r.logs)
	}

	// Signed, but not a message that can be read: 400 naming the problem.
	for b, want := range map[string]string{
		`{"message_type":0,"data":{"order_status":"pending"}}`: "data.trade_order_id is missing",
		`{"message_type":"zero"}`:                              "message_type",
		`not json`:                                             "not a JSON object",
	} {
		code, answer, _ := pushTo(t, r.srv.URL, signPush(key, secret, b), []byte(b))
		if code != 400 || !strings.Contains(answer, want) {
			t.Errorf("%s: %d %s, want 400 with %q", b, code, answer, want)
		}
	}
	if got := webhooks(r, "lazada-id", "malformed"); got != 3 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-id",result="malformed"} = %v, want 3`, got)
	}
	// Signed, of another type or for a market not served here: 200, ignored.
	now := time.Now()
	for _, b := range []string{
		fmt.Sprintf(`{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":%d,"site":"lazada_id"}`, now.Unix()),
		fmt.Sprintf(`{"message_type":0,"data":{"trade_order_id":%q},"timestamp":%d,"site":"lazada_vn"}`, o.ID, now.UnixMilli()),
	} {
		code, answer, _ := pushTo(t, r.srv.URL, signPush(key, secret, b), []byte(b))
		if code != 200 || !strings.Contains(answer, `"status": "ignored"`) {
			t.Errorf("%s: %d %s, want 200 ignored", b, code, answer)
		}
	}
	if got := webhooks(r, "lazada-id", "ignored"); got != 2 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-id",result="ignored"} = %v, want 2`, got)
	}
	// Too large: 413 naming the limit, before the signature is checked.
	big := append([]byte(`{"message_type":0,"pad":"`), bytes.Repeat([]byte("x"), 70<<10)...)
	big = append(big, `"}`...)
	if code, answer, _ := pushTo(t, r.srv.URL, signPush(key, secret, string(big)), big); code != 413 || !strings.Contains(answer, "65536 bytes") {
		t.Errorf("a 70 KiB push: %d %s, want 413 naming the limit", code, answer)
	}
	if got := webhooks(r, "unknown", "malformed"); got != 1 {
		t.Errorf(`flashdeck_webhooks_total{channel="unknown",result="malformed"} = %v, want 1 (the 70 KiB push)`, got)
	}
	// Time itself must pass: the check is that the refused pushes bring
	// nothing, so there is no condition to wait for; a wrongly queued read
	// lands within this span.
	time.Sleep(200 * time.Millisecond)
	if _, n := lazadaSold(r.c.Engine.Snapshot()); n != orders {
		t.Errorf("refused pushes brought orders: %d, want %d", n, orders)
	}
}
