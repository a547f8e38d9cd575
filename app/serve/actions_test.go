package serve_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func post(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	return do(t, "POST", url, token, strings.NewReader(body))
}

var roomUsers = []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}, {Name: "wall", Role: "viewer", TokenEnv: "T_WALL"}}
var roomEnv = map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret"}

func TestActionRoles(t *testing.T) {
	srv, c, sim := setup(t, roomUsers, roomEnv)
	pause := `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"bots","idempotency_key":"k1"}`
	cases := []struct {
		token string
		want  int
	}{
		{"", 401},
		{"wrong", 401},
		{"wall-secret", 403},
	}
	for _, tc := range cases {
		if code, body := post(t, srv.URL+"/api/v1/actions", tc.token, pause); code != tc.want {
			t.Errorf("token %q: %d %s, want %d", tc.token, code, body, tc.want)
		}
	}
	if n := sim.Server.Book("micom-id").ActionCount(simulator.OpPause); n != 0 {
		t.Fatalf("a refused request reached the channel %d times", n)
	}
	code, body := post(t, srv.URL+"/api/v1/actions", "ayu-secret", pause)
	var a actions.Action
	if code != 200 || json.Unmarshal([]byte(body), &a) != nil || a.User != "ayu" || a.Status() != actions.Applied {
		t.Fatalf("operator: %d %s", code, body)
	}
	// The same request again (a client retrying after a lost answer).
	code, body = post(t, srv.URL+"/api/v1/actions", "ayu-secret", pause)
	var again actions.Action
	if code != 200 || json.Unmarshal([]byte(body), &again) != nil || !again.Replayed || again.ID != a.ID {
		t.Fatalf("replay: %d %s", code, body)
	}
	if n := sim.Server.Book("micom-id").ActionCount(simulator.OpPause); n != 1 {
		t.Errorf("the channel paused %d times, want 1", n)
	}
	if code, body := post(t, srv.URL+"/api/v1/actions", "ayu-secret", strings.Replace(pause, "bots", "other", 1)); code != 422 {
		t.Errorf("key reused for another request: %d %s", code, body)
	}
	if got := testutil.ToFloat64(c.Metrics.Actions.WithLabelValues("pause", "micom-id", "applied")); got != 1 {
		t.Errorf("flashdeck_actions_total{pause,micom-id,applied} = %v, want 1", got)
	}
	// A viewer reads the audit trail.
	code, body = get(t, srv.URL+"/api/v1/audit?kind=pause", "wall-secret")
	if code != 200 || !strings.Contains(body, `"count": 1`) || !strings.Contains(body, `"reason": "bots"`) {
		t.Errorf("audit: %d %s", code, body)
	}
	code, body = get(t, srv.URL+"/api/v1/audit?format=csv", "wall-secret")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != 200 || err != nil || len(rows) != 2 || rows[1][9] != "micom-id" || rows[1][11] != "applied" {
		t.Errorf("audit csv: %d %v %q", code, err, body)
	}
}

func TestActionsRefusedWithoutUsers(t *testing.T) {
	srv, _, _ := setup(t, nil, nil)
	code, body := post(t, srv.URL+"/api/v1/actions", "", `{"kind":"pause","sale":"poco-m3-launch","reason":"x","idempotency_key":"k"}`)
	if code != 403 || !strings.Contains(body, "no users configured") {
		t.Errorf("%d %s", code, body)
	}
	if code, _ := get(t, srv.URL+"/api/v1/audit", ""); code != 200 {
		t.Errorf("audit read without users: %d", code)
	}
}

func TestActionBadRequestsNameTheField(t *testing.T) {
	srv, _, _ := setup(t, roomUsers, roomEnv)
	cases := []struct{ body, want string }{
		{`{"kind":"pause","sale":"poco-m3-launch","idempotency_key":"k"}`, `"field": "reason"`},
		{`{"kind":"extend","sale":"poco-m3-launch","by":"soon","reason":"r","idempotency_key":"k"}`, `"field": "by"`},
		{`{"kind":"pause","sale":"poco-m3-launch","reason":"r","idempotency_key":"k","force":true}`, `unknown field \"force\"`},
		{`{"kind":"pause","sale":"poco-m3-launch","reason":1}`, `reason: expected string`},
		{`{"kind":`, `not valid JSON`},
	}
	for _, tc := range cases {
		code, body := post(t, srv.URL+"/api/v1/actions", "ayu-secret", tc.body)
		if code != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want 400 with %s", tc.body, code, body, tc.want)
		}
	}
	if code, body := get(t, srv.URL+"/api/v1/audit?result=done", "ayu-secret"); code != 400 || !strings.Contains(body, "result=") {
		t.Errorf("bad audit filter: %d %s", code, body)
	}
}

func TestActionBodyIsOneJSONValue(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}}
	srv, _, _ := setup(t, users, map[string]string{"T_AYU": "ayu-secret"})
	one := `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"test","idempotency_key":"k-one"}`
	for _, body := range []string{one + `{"kind":"resume"}`, one + ` x`, one + `]`} {
		if code, msg := post(t, srv.URL+"/api/v1/actions", "ayu-secret", body); code != 400 || !strings.Contains(msg, "more than one JSON value") {
			t.Errorf("%q: %d %s", body, code, msg)
		}
	}
	if code, msg := post(t, srv.URL+"/api/v1/actions", "ayu-secret", one+"\n"); code != 200 {
		t.Errorf("one value and a newline: %d %s", code, msg)
	}
}

// TestOrderIDsAreCheckedThroughTheAPI: review_order and cancel_order with
// their channel named used to take any order_id, control characters
// included, and audit it. Now a 400 names the field and the limit, for
// the action and for its plan, and nothing is audited.
func TestOrderIDsAreCheckedThroughTheAPI(t *testing.T) {
	srv, _, sim := setup(t, roomUsers, roomEnv)
	body := func(kind, id, key string) string {
		b, _ := json.Marshal(map[string]any{"kind": kind, "sale": "poco-m3-launch", "channels": []string{"micom-id"},
			"order_id": id, "reason": "checked by hand", "idempotency_key": key})
		return string(b)
	}
	cases := []struct {
		name, kind, id string
		want           string
	}{
		{"a forged log line", "review_order", "5001\nlevel=ERROR msg=forged", "does not print"},
		{"NUL", "review_order", "5001\x00", "U+0000"},
		{"an escape sequence", "cancel_order", "5001\x1b[2J", "U+001B"},
		{"a bidirectional override", "review_order", "5001\u202e1005", "U+202E"},
		{"too long", "review_order", strings.Repeat("5", 65), "at most 64"},
		{"white space around", "cancel_order", " 5001", "white space around it"},
	}
	for i, c := range cases {
		for _, path := range []string{"/api/v1/actions", "/api/v1/actions/plan"} {
			code, answer := post(t, srv.URL+path, "ayu-secret", body(c.kind, c.id, fmt.Sprintf("oid-%d", i)))
			var e struct {
				Error struct{ Message, Field string } `json:"error"`
			}
			if code != 400 || json.Unmarshal([]byte(answer), &e) != nil || e.Error.Field != "order_id" ||
				!strings.Contains(e.Error.Message, c.want) || !strings.Contains(e.Error.Message, "64") {
				t.Errorf("%s, %s: %d %s, want 400 naming order_id, the limit and %q", c.name, path, code, answer, c.want)
			}
		}
	}
	if code, answer := get(t, srv.URL+"/api/v1/audit", "wall-secret"); code != 200 || !strings.Contains(answer, `"count": 0`) {
		t.Errorf("refused order ids were audited: %d %s", code, answer)
	}
	if n := sim.Server.Book("micom-id").ActionCount(simulator.OpCancel); n != 0 {
		t.Errorf("a refused cancellation reached the channel %d times", n)
	}
	// A plain id is taken (a review touches no channel).
	if code, answer := post(t, srv.URL+"/api/v1/actions", "ayu-secret", body("review_order", "5001", "oid-ok")); code != 200 {
		t.Errorf("review of order 5001: %d %s", code, answer)
	}
}
