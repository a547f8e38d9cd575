package serve_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// The channel-truth tests act through the collector's API on the simulator
// in its documented mode (Lazada's stock endpoints as Lazada documents
// them) and check every result against the simulator's own state: an
// action is "applied" only when the channel shows it. The sale clock is
// manual, so nothing sells unless a test moves it and the stock figures
// compare exactly.

// actAsOperator posts an action as the operator and returns it.
func actAsOperator(t *testing.T, r *room, body string) actions.Action {
	t.Helper()
	code, out := post(t, r.srv.URL+"/api/v1/actions", "ayu-secret", body)
	var a actions.Action
	if code != 200 || json.Unmarshal([]byte(out), &a) != nil {
		t.Fatalf("POST /api/v1/actions %s: %d %s", body, code, out)
	}
	return a
}

func lazadaResult(t *testing.T, a actions.Action) actions.ChannelResult {
	t.Helper()
	r, ok := a.Result("lazada-id")
	if !ok {
		t.Fatalf("action %s has no lazada-id result: %+v", a.ID, a.Results)
	}
	return *r
}

// sellableOf is the simulator's truth: sellable stock per SKU.
func sellableOf(b *simulator.Book) map[string]int {
	out := map[string]int{}
	for _, s := range b.Stock() {
		out[s.SKU] = s.Sellable
	}
	return out
}

// cancelPending cancels up to n pending orders on the book, as buyers do,
// and returns the units that come back per SKU.
func cancelPending(t *testing.T, b *simulator.Book, n int) map[string]int {
	t.Helper()
	back := map[string]int{}
	orders, _ := b.Updates(simulator.Query{})
	for _, o := range orders {
		if n == 0 {
			break
		}
		if o.Status != simulator.StatusPending {
			continue
		}
		if _, err := b.CancelOrder(o.ID); err != nil {
			t.Fatal(err)
		}
		for _, it := range o.Items {
			if !it.Cancelled {
				back[it.SKU] += it.Qty
			}
		}
		n--
	}
	if len(back) == 0 {
		t.Fatal("no pending order to cancel")
	}
	return back
}

func TestPauseResumeExtendAreReadBackOnTheChannel(t *testing.T) {
	r := startRoom(t, roomOptions{users: roomUsers, env: roomEnv})
	book := r.sim.Server.Book("lazada-id")
	before := sellableOf(book)

	pause := actAsOperator(t, r, `{"kind":"pause","sale":"poco-m3-launch","channels":["lazada-id"],"reason":"bots","idempotency_key":"ct-pause"}`)
	res := lazadaResult(t, pause)
	t.Logf("pause: %s: %s", res.Result, res.Message)
	if res.Result != actions.Applied || !strings.Contains(res.Message, "read back") {
		t.Fatalf("pause: %s %q, want applied from the read-back", res.Result, res.Message)
	}
	for sku, n := range sellableOf(book) {
		if n != 0 {
			t.Errorf("after the pause %s has %d sellable on the channel, want 0", sku, n)
		}
	}

	// Buyers cancel during the pause: their units come back to the
	// channel's sellable stock, and the resume must keep them.
	back := cancelPending(t, book, 3)
	resume := actAsOperator(t, r, `{"kind":"resume","sale":"poco-m3-launch","channels":["lazada-id"],"reason":"bots gone","idempotency_key":"ct-resume"}`)
	if res := lazadaResult(t, resume); res.Result != actions.Applied {
		t.Fatalf("resume: %s %q", res.Result, res.Message)
	}
	got := sellableOf(book)
	for sku, n := range before {
		if want := n + back[sku]; got[sku] != want {
			t.Errorf("after the resume %s has %d sellable, want %d (%d before the pause + %d back from cancellations)",
				sku, got[sku], want, n, back[sku])
		}
	}

	// Extend to a time with seconds: the confirmation says it is rounded
	// up to the minute, and the channel's end reads back at that minute.
	end := book.End()
	until := end.Add(time.Hour + 20*time.Second)
	body := fmt.Sprintf(`{"kind":"extend","sale":"poco-m3-launch","channels":["lazada-id"],"until":%q,"reason":"demand","idempotency_key":"ct-extend"}`,
		until.Format(time.RFC3339))
	code, out := post(t, r.srv.URL+"/api/v1/actions/plan", "ayu-secret", body)
	if code != 200 || !strings.Contains(out, "rounded up to the minute") {
		t.Errorf("plan of an extension to %s: %d %s, want it to say it is rounded up", until, code, out)
	}
	ext := actAsOperator(t, r, body)
	want := until.Truncate(time.Minute).Add(time.Minute)
	if res := lazadaResult(t, ext); res.Result != actions.Applied || !ext.Until.Equal(want) {
		t.Fatalf("extend: %s %q until %s, want applied until %s", res.Result, res.Message, ext.Until, want)
	}
	if got := book.End(); !got.Equal(want) {
		t.Errorf("the channel's sale ends at %s, want %s", got, want)
	}
}

func TestAnOKThatChangedNothingIsNeverApplied(t *testing.T) {
	tests := []struct {
		name  string
		fault simulator.ActionFault
		// want is in the result's words.
		want []string
	}{
		{"a gateway that ignores the field", simulator.ActionFault{Mode: "ignore"},
			[]string{"Lazada ID answered OK, but", "still has", "sellable"}},
		{"code 0 with per-SKU failures", simulator.ActionFault{Mode: "detail"},
			[]string{"partly applied", "SKUs at 0 sellable", "still has"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := startRoom(t, roomOptions{users: roomUsers, env: roomEnv})
			book := r.sim.Server.Book("lazada-id")
			before := sellableOf(book)
			book.SetActionFault(simulator.OpPause, tc.fault)
			a := actAsOperator(t, r, fmt.Sprintf(`{"kind":"pause","sale":"poco-m3-launch","channels":["lazada-id"],"reason":"bots","idempotency_key":"ct-fault-%d"}`, i))
			res := lazadaResult(t, a)
			t.Logf("%s: %s: %s", tc.name, res.Result, res.Message)
			if res.Result != actions.Failed {
				t.Fatalf("%s: %s %q, want failed", tc.name, res.Result, res.Message)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("%s: %q lacks %q", tc.name, res.Message, w)
				}
			}
			// The audit trail says the same as the API's answer.
			code, out := get(t, r.srv.URL+"/api/v1/audit?kind=pause", "wall-secret")
			if code != 200 || !strings.Contains(out, `"result": "failed"`) {
				t.Errorf("audit: %d %s", code, out)
			}
			// Only what the pause really took stays owed: a resume gives
			// the SKUs at 0 their stock back and adds nothing to the
			// others, which the pause never touched.
			stock := sellableOf(book)
			rs := actAsOperator(t, r, fmt.Sprintf(`{"kind":"resume","sale":"poco-m3-launch","channels":["lazada-id"],"reason":"undo","idempotency_key":"ct-undo-%d"}`, i))
			if res := lazadaResult(t, rs); res.Result != actions.Applied {
				t.Fatalf("resume after %s: %s %q", tc.name, res.Result, res.Message)
			}
			for sku, n := range sellableOf(book) {
				want := stock[sku]
				if want == 0 {
					want = before[sku]
				}
				if n != want {
					t.Errorf("%s: after the resume %d sellable, want %d (%d before the pause, %d after it)", sku, n, want, before[sku], stock[sku])
				}
			}
		})
	}
}
