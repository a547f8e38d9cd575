package serve_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/actions"
)

// lengthless hides a body's length, so it is sent chunked and only found
// too large while it is read.
type lengthless struct{ io.Reader }

func TestBodiesOverTheLimitAre413(t *testing.T) {
	r := startRoom(t, roomOptions{users: roomUsers, env: roomEnv})
	big := `{"kind":"pause","sale":"poco-m3-launch","reason":"` + strings.Repeat("x", 70<<10) + `","idempotency_key":"big"}`
	for _, path := range []string{"/api/v1/actions", "/api/v1/actions/a1/retry", "/api/v1/actions/a1/confirm", "/webhooks/lazada"} {
		for _, chunked := range []bool{false, true} {
			var body io.Reader = strings.NewReader(big)
			if chunked {
				body = lengthless{body}
			}
			req, _ := http.NewRequest("POST", r.srv.URL+path, body)
			req.Header.Set("Authorization", "Bearer ayu-secret")
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if path == "/api/v1/actions/a1/retry" && chunked {
				// Retry reads no body: the handler never hits the limit.
				if res.StatusCode == 413 || res.StatusCode >= 500 {
					t.Errorf("%s chunked: %d %s", path, res.StatusCode, b)
				}
				continue
			}
			var e struct {
				Error struct{ Message string } `json:"error"`
			}
			if res.StatusCode != 413 || json.Unmarshal(b, &e) != nil || !strings.Contains(e.Error.Message, "65536 bytes") {
				t.Errorf("%s (chunked %v): %d %s, want 413 with a JSON error naming the limit", path, chunked, res.StatusCode, b)
			}
		}
	}
	if n := r.sim.Server.Book("micom-id").ActionCount("pause"); n != 0 {
		t.Errorf("an oversized request reached the channel %d times", n)
	}
}

func TestActionsAreLoggedWithTheirResults(t *testing.T) {
	r := startRoom(t, roomOptions{users: roomUsers, env: roomEnv})
	pause := `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id","akulaku-id"],"reason":"bots on 0812","idempotency_key":"log-1"}`
	code, body := post(t, r.srv.URL+"/api/v1/actions", "ayu-secret", pause)
	var a actions.Action
	if code != 200 || json.Unmarshal([]byte(body), &a) != nil {
		t.Fatalf("pause: %d %s", code, body)
	}
	want := []string{`msg="api action"`, `route="POST /api/v1/actions"`, "id=" + a.ID, "kind=pause", "sale=poco-m3-launch",
		`channels="micom-id=applied,akulaku-id=manual"`, "user=ayu", "role=operator", `reason="bots on 0812"`, "replayed=false", "duration="}
	if lines := r.logs.lines(want...); len(lines) != 1 {
		t.Errorf("no single action line with %v:\n%s", want, r.logs)
	}
	post(t, r.srv.URL+"/api/v1/actions", "ayu-secret", pause)
	if lines := r.logs.lines(`msg="api action"`, "id="+a.ID, "replayed=true"); len(lines) != 1 {
		t.Errorf("no line for the replay:\n%s", r.logs)
	}
	code, body = post(t, r.srv.URL+"/api/v1/actions/"+a.ID+"/confirm", "ayu-secret", `{"channel":"akulaku-id"}`)
	if code != 200 {
		t.Fatalf("confirm: %d %s", code, body)
	}
	if lines := r.logs.lines(`msg="api action"`, `route="POST /api/v1/actions/{id}/confirm"`, "id="+a.ID, `channels="micom-id=applied,akulaku-id=manual(done, confirmed by ayu)"`, "status=applied", "user=ayu"); len(lines) != 1 {
		t.Errorf("no line for the confirmation:\n%s", r.logs)
	}
	if code, _ := post(t, r.srv.URL+"/api/v1/actions/"+a.ID+"/retry", "ayu-secret", ""); code != 200 {
		t.Errorf("retry: %d", code)
	}
	if lines := r.logs.lines(`msg="api action"`, `route="POST /api/v1/actions/{id}/retry"`, "id="+a.ID); len(lines) != 1 {
		t.Errorf("no line for the retry:\n%s", r.logs)
	}
	if code, _ := post(t, r.srv.URL+"/api/v1/actions/nope/retry", "ayu-secret", ""); code != 404 {
		t.Errorf("retry of no action: %d", code)
	}
	if lines := r.logs.lines(`msg="api action failed"`, `route="POST /api/v1/actions/{id}/retry"`, "id=nope", "user=ayu", "error="); len(lines) != 1 {
		t.Errorf("no line for the failed retry:\n%s", r.logs)
	}

	// Refused attempts: the route, the status and who, when known.
	post(t, r.srv.URL+"/api/v1/actions", "wall-secret", pause)
	post(t, r.srv.URL+"/api/v1/actions/"+a.ID+"/retry", "", "")
	if lines := r.logs.lines(`msg="api action refused"`, `route="POST /api/v1/actions"`, "status=403", "user=wall", "role=viewer"); len(lines) != 1 {
		t.Errorf("no line for the viewer's attempt:\n%s", r.logs)
	}
	lines := r.logs.lines(`msg="api action refused"`, `route="POST /api/v1/actions/{id}/retry"`, "status=401", "id="+a.ID)
	if len(lines) != 1 || strings.Contains(lines[0], "user=") {
		t.Errorf("no single line without a user for the tokenless attempt: %q\n%s", lines, r.logs)
	}
	// The reason is logged as given, quoted: it cannot forge a line.
	post(t, r.srv.URL+"/api/v1/actions", "ayu-secret", `{"kind":"resume","sale":"poco-m3-launch","channels":["micom-id"],"reason":"x\nlevel=ERROR msg=forged","idempotency_key":"log-2"}`)
	if bytes.Contains([]byte(r.logs.String()), []byte("\nlevel=ERROR msg=forged")) {
		t.Errorf("a reason forged a log line:\n%s", r.logs)
	}
}
