package serve_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// seqStream follows /api/v1/stream and keeps the number of the last
// snapshot it delivered.
type seqStream struct {
	last atomic.Uint64
	err  atomic.Pointer[error]
}

func followStream(tb testing.TB, url, token string) *seqStream {
	tb.Helper()
	req, _ := http.NewRequest("GET", url+"/api/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		tb.Fatalf("stream: %v %v", err, res)
	}
	s := &seqStream{}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				n, _ := strconv.ParseUint(id, 10, 64)
				s.last.Store(n)
			}
		}
		err := fmt.Errorf("the stream ended: %v", sc.Err())
		s.err.Store(&err)
	}()
	tb.Cleanup(func() { res.Body.Close() })
	return s
}

// delivers waits for the stream to deliver a snapshot later than seq.
func (s *seqStream) delivers(t *testing.T, seq uint64) {
	t.Helper()
	testwait.Until(t, 10*time.Second, func() string {
		if p := s.err.Load(); p != nil {
			t.Fatal(*p)
		}
		if s.last.Load() > seq {
			return ""
		}
		return fmt.Sprintf("the stream delivered nothing after snapshot %d (last %d)", seq, s.last.Load())
	})
}

// FuzzAPISequence drives sequences of operator requests — actions with any
// until and by, reviews and cancels of any order id, confirms and retries
// of earlier actions, repeated keys — at a collector on the simulated
// channels. After each request /api/v1/snapshot is one complete JSON
// document and no answer is a 5xx; after each sequence the stream still
// delivers and /healthz is ok.
func FuzzAPISequence(f *testing.F) {
	f.Add([]byte{0, 1, 2}, int64(253402297200), int16(0), "1h", "5001")     // 9999-12-31T23:00:00Z
	f.Add([]byte{2, 2, 3}, int64(1795510800), int16(420), "168h", "")       // a week on, WIB
	f.Add([]byte{3, 3}, int64(0), int16(-720), "2562047h", "x")             // the longest Go duration
	f.Add([]byte{4, 5, 6, 7}, int64(-62135596800), int16(0), "-1h", "\x00") // year 1
	f.Add([]byte{8, 8 | 1, 6, 7, 2}, int64(1795424400), int16(840), "90s", "5001\r\n")
	f.Add([]byte{5, 4, 6}, int64(1<<62), int16(1), "1m", strings.Repeat("9", 200))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rig := demotest.Start(f, demotest.Options{Users: roomUsers, Env: roomEnv, Logger: quiet})
	srv, _ := rig.Serve(f)
	stream := followStream(f, srv.URL, "wall-secret")
	var n atomic.Uint64
	var ids []string
	f.Fuzz(func(t *testing.T, ops []byte, unix int64, zoneMinutes int16, by, order string) {
		if len(ops) > 12 {
			ops = ops[:12]
		}
		until := time.Unix(unix, 0).In(time.FixedZone("", int(zoneMinutes)*60))
		untilJSON, err := json.Marshal(until)
		if err != nil {
			untilJSON, _ = json.Marshal(until.UTC().Format("2006-01-02T15:04:05Z07:00"))
		}
		for _, op := range ops {
			key := "fz-" + strconv.FormatUint(n.Add(1), 10)
			if op&8 != 0 {
				key = "fz-repeat" // a key used before, for another request or the same
			}
			str := func(s string) string { b, _ := json.Marshal(s); return string(b) }
			head := `"sale":"poco-m3-launch","reason":"fuzz","idempotency_key":` + str(key)
			var path, body string
			switch op % 8 {
			case 0:
				path, body = "/api/v1/actions", `{"kind":"pause","channels":["micom-id"],`+head+`}`
			case 1:
				path, body = "/api/v1/actions", `{"kind":"resume","channels":["micom-id"],`+head+`}`
			case 2:
				path, body = "/api/v1/actions", `{"kind":"extend","until":`+string(untilJSON)+`,`+head+`}`
			case 3:
				path, body = "/api/v1/actions", `{"kind":"extend","by":`+str(by)+`,`+head+`}`
			case 4:
				path, body = "/api/v1/actions", `{"kind":"review_order","channels":["micom-id"],"order_id":`+str(order)+`,`+head+`}`
			case 5:
				path, body = "/api/v1/actions", `{"kind":"cancel_order","order_id":`+str(order)+`,`+head+`}`
			case 6, 7:
				if len(ids) == 0 {
					continue
				}
				id := ids[int(op/16)%len(ids)]
				path, body = "/api/v1/actions/"+id+"/retry", `{}`
				if op%8 == 6 {
					path, body = "/api/v1/actions/"+id+"/confirm", `{"channel":"akulaku-id"}`
				}
			}
			code, msg := post(t, srv.URL+path, "ayu-secret", body)
			if code >= 500 || !json.Valid([]byte(msg)) {
				t.Fatalf("POST %s %s: %d %s", path, body, code, msg)
			}
			var a actions.Action
			if code == 200 && json.Unmarshal([]byte(msg), &a) == nil && a.ID != "" && len(ids) < 50 {
				ids = append(ids, a.ID)
			}
			snapshotWhole(t, srv.URL, "wall-secret")
		}
		s := snapshotWhole(t, srv.URL, "wall-secret")
		stream.delivers(t, s.Seq)
		if code, body := get(t, srv.URL+"/healthz", ""); code != 200 {
			t.Fatalf("/healthz: %d %s", code, body)
		}
	})
}
