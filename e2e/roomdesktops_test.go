package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/remote"
)

// The room test's desktops run in a child process: the test binary itself,
// started again with these variables set (TestMain runs the desktops and
// exits, building nothing).
const (
	roomDesktopsURL = "FLASHDECK_ROOM_DESKTOPS_URL"
	roomDesktopsN   = "FLASHDECK_ROOM_DESKTOPS_N"
	roomDesktopsFor = "FLASHDECK_ROOM_DESKTOPS_FOR"
)

// roomWindow is the window the bytes per desktop are counted over: the
// busiest is the peak.
const roomWindow = 10 * time.Second

// roomResult is what the desktops' process reports on its stdout, as JSON.
type roomResult struct {
	// Delays: the collector's snapshot time to a desktop holding it, for
	// every snapshot every desktop got while connected.
	Delays []time.Duration
	// PerStream counts each desktop's snapshots.
	PerStream []int
	Resyncs   uint64
	// Bytes is what all desktops read off the network (compressed);
	// Rates the bytes per second per desktop in each roomWindow.
	Bytes int64
	Rates []float64
}

// roomDesktops is the running child process.
type roomDesktops struct {
	cmd *exec.Cmd
	out bytes.Buffer
	smp *sampler
	len time.Duration
	cpu float64 // seconds, once waited for
}

// startRoomDesktops starts n desktops on the collector at url for length,
// in a process of their own.
func startRoomDesktops(t *testing.T, url string, n int, length time.Duration) *roomDesktops {
	t.Helper()
	r := &roomDesktops{len: length}
	r.cmd = exec.Command(os.Args[0], "-test.run", "^$")
	r.cmd.Env = append(os.Environ(), roomDesktopsURL+"="+url, roomDesktopsN+"="+strconv.Itoa(n), roomDesktopsFor+"="+length.String())
	r.cmd.Stdout = &r.out
	r.cmd.Stderr = &testLog{t: t, prefix: "desktops: "}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			_ = r.cmd.Process.Kill()
			_ = r.cmd.Wait()
		}
	})
	r.smp = sample(r.cmd.Process.Pid, 500*time.Millisecond)
	return r
}

// wait waits for the desktops to end their run and returns what they
// measured.
func (r *roomDesktops) wait(t *testing.T) roomResult {
	t.Helper()
	st := r.smp.finish()
	if err := r.cmd.Wait(); err != nil {
		t.Fatalf("the desktops' process: %v", err)
	}
	var res roomResult
	if err := json.Unmarshal(r.out.Bytes(), &res); err != nil {
		t.Fatalf("the desktops' process wrote no result: %v (%.200q)", err, r.out.String())
	}
	r.cpu = st.CPU
	return res
}

// report prints the desktops' process's CPU and memory.
func (r *roomDesktops) report() {
	report("the desktops' process: %.1f s of CPU (%.0f%% of one core over %s)", r.cpu, 100*r.cpu/r.len.Seconds(), r.len)
	memLine("desktops' process", r.smp)
}

// runRoomDesktops is the child process: the desktops of the room test,
// each the real remote client that `flashdeck --remote` uses, on the
// collector's stream for the run's length. It writes a roomResult to
// stdout and returns the exit code.
func runRoomDesktops() int {
	url := os.Getenv(roomDesktopsURL)
	n, err := strconv.Atoi(os.Getenv(roomDesktopsN))
	if err != nil || n <= 0 {
		fmt.Fprintf(os.Stderr, "%s: %q is not a number of desktops\n", roomDesktopsN, os.Getenv(roomDesktopsN))
		return 2
	}
	length, err := time.ParseDuration(os.Getenv(roomDesktopsFor))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", roomDesktopsFor, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), length)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	res := roomResult{PerStream: make([]int, n)}
	clients := make([]*remote.Client, n)
	// wire counts the bytes each desktop read off the network (compressed).
	wire := make([]*atomic.Int64, n)
	for i := range n {
		wire[i] = new(atomic.Int64)
		tr := &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone(), n: wire[i]}
		// Fifty desktops' "connected" lines would bury the figures.
		c, err := remote.New(remote.Options{URL: url, Token: roomToken, Logger: slog.New(slog.DiscardHandler), Transport: tr})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		clients[i] = c
		sub, unsub := c.Subscribe()
		wg.Add(2)
		go func() { defer wg.Done(); c.Run(ctx) }()
		go func() {
			defer wg.Done()
			defer unsub()
			var mine []time.Duration
			defer func() {
				mu.Lock()
				res.Delays = append(res.Delays, mine...)
				res.PerStream[i] = len(mine)
				mu.Unlock()
			}()
			for {
				select {
				case <-ctx.Done():
					return
				case s := <-sub:
					col, _ := s.Channel(remote.CollectorID)
					if col.State != engine.StateOK {
						continue // not yet connected, or lost: counted by PerStream
					}
					// The collector's snapshot time to this desktop having it.
					mine = append(mine, time.Since(s.Wall))
				}
			}
		}()
	}
	// Bytes per desktop, over windows of roomWindow.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(roomWindow)
		defer tick.Stop()
		last := make([]int64, n)
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			var sum int64
			for k := range wire {
				b := wire[k].Load()
				sum, last[k] = sum+b-last[k], b
			}
			mu.Lock()
			res.Rates = append(res.Rates, float64(sum)/float64(n)/roomWindow.Seconds())
			mu.Unlock()
		}
	}()
	wg.Wait()
	for k := range wire {
		res.Bytes += wire[k].Load()
		res.Resyncs += clients[k].Resyncs()
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
