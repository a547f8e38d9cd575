package remote

import (
	"context"
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
