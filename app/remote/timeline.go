package remote

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/flashdeck/flashdeck/app/timeline"
)

// Timeline reads a sale's timeline from the collector (GET
// /api/v1/timeline): the history the stream does not carry.
func (c *Client) Timeline(ctx context.Context, sale string) (timeline.Model, error) {
	var m timeline.Model
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := c.get(ctx, "/api/v1/timeline", url.Values{"sale": {sale}}, &m)
	return m, err
}

// Report reads a sale's post-sale report from the collector (GET
// /api/v1/report): the HTML page, as it is to be saved.
func (c *Client) Report(ctx context.Context, sale string) ([]byte, error) {
	const path = "/api/v1/report"
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// Through the client without retries and with the long timeout: a
	// launch sale's report takes the collector seconds to write (longer
	// on a busy machine), so the read client's 10 s would cut it off, and
	// asking again would only start the work over.
	res, err := c.act.R().SetContext(ctx).SetQueryParamsFromValues(url.Values{"sale": {sale}}).Get(path)
	if err != nil {
		return nil, fmt.Errorf("%s%s: %w", c.opt.URL, path, err)
	}
	if res.StatusCode() != http.StatusOK {
		return nil, c.statusError(path, res.StatusCode(), res.Body())
	}
	return res.Body(), nil
}
