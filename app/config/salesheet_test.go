package config

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/xuri/excelize/v2"
)

// launchConfig is a config of the launch scenario's four channels whose
// one sale reads its SKUs from sheet.
func launchConfig(sc simulator.Scenario, sheet string) string {
	var b strings.Builder
	b.WriteString("channels:\n")
	for _, ch := range sc.Channels {
		env := strings.ToUpper(strings.ReplaceAll(ch.ID, "-", "_"))
		fmt.Fprintf(&b, "  - {id: %s, kind: %s, base_url: 'http://127.0.0.1:1/%s'", ch.ID, ch.Kind, ch.ID)
		switch ch.Kind {
		case "lazada":
			fmt.Fprintf(&b, ", app_key_env: %s_K, app_secret_env: %s_S, access_token_env: %s_T}\n", env, env, env)
		case "akulaku":
			fmt.Fprintf(&b, ", app_id_env: %s_A, private_key_env: %s_P, access_token_env: %s_T}\n", env, env, env)
		default:
			fmt.Fprintf(&b, ", token_env: %s_T}\n", env)
		}
	}
	fmt.Fprintf(&b, "sales:\n  - id: launch\n    start: %s\n    end: %s\n    skus_file: %s\n",
		sc.Sale.Start.Format(time.RFC3339), sc.Sale.End.Format(time.RFC3339), sheet)
	return b.String()
}

// TestLaunchSheet loads the launch scenario's 1,400 SKUs from a CSV and
// from an XLSX, written here with their columns in another order and
// headers in other cases, and gets the scenario's sale from both.
func TestLaunchSheet(t *testing.T) {
	sc := simulator.LaunchScenario(time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB), time.Hour, 0, 5000, 1)
	want := make([]SKU, 0, len(sc.SKUs))
	for _, k := range sc.SKUs {
		alloc := map[string]int{}
		for _, ch := range sc.Channels {
			if n := ch.Allocated[k.SKU]; n > 0 {
				alloc[ch.ID] = n
			}
		}
		want = append(want, SKU{SKU: k.SKU, Name: k.Name, FlashPrice: Money(k.FlashPrice), Allocated: alloc})
	}
	if len(want) != simulator.LaunchSKUs {
		t.Fatalf("%d SKUs in the scenario", len(want))
	}
	// Columns: channels reversed first, then price, name, SKU.
	var header []string
	for i := len(sc.Channels) - 1; i >= 0; i-- {
		header = append(header, strings.ToUpper(sc.Channels[i].ID))
	}
	header = append(header, "FLASH PRICE", "Name", "sku")
	record := func(k SKU) []any {
		var r []any
		for i := len(sc.Channels) - 1; i >= 0; i-- {
			r = append(r, k.Allocated[sc.Channels[i].ID])
		}
		return append(r, float64(k.FlashPrice)/100, k.Name, k.SKU)
	}
	dir := t.TempDir()

	var cb bytes.Buffer
	cw := csv.NewWriter(&cb)
	_ = cw.Write(header)
	for _, k := range want {
		var rec []string
		for _, v := range record(k) {
			switch v := v.(type) {
			case float64:
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				rec = append(rec, fmt.Sprint(v))
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := os.WriteFile(filepath.Join(dir, "launch.csv"), cb.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	x := excelize.NewFile()
	hc := make([]any, len(header))
	for i, h := range header {
		hc[i] = h
	}
	if err := x.SetSheetRow("Sheet1", "A1", &hc); err != nil {
		t.Fatal(err)
	}
	for i, k := range want {
		r := record(k)
		if err := x.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.SaveAs(filepath.Join(dir, "launch.xlsx")); err != nil {
		t.Fatal(err)
	}

	for _, sheet := range []string{"launch.csv", "launch.xlsx"} {
		path := filepath.Join(dir, "flashdeck.yaml")
		if err := os.WriteFile(path, []byte(launchConfig(sc, sheet)), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", sheet, err)
		}
		if got := c.Sales[0].SKUs; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d SKUs, not the scenario's %d (first: %+v, want %+v)", sheet, len(got), len(want), got[0], want[0])
		}
	}
}

// TestSKUsFileErrors: a sheet's problems are the config's, at skus_file,
// naming the sheet's row and column.
func TestSKUsFileErrors(t *testing.T) {
	dir := t.TempDir()
	sheet := "SKU,Name,Flash price,lazada-id,micom-id\nA,a,1,1,1\nB,b,1,2O0,1\n"
	if err := os.WriteFile(filepath.Join(dir, "promo.csv"), []byte(sheet), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(good, `    skus:
      - sku: POCO-M3-464-BLK
        name: POCO M3 4/64 Black
        flash_price: 1999000
        allocated: {lazada-id: 500, akulaku-id: 200, micom-id: 300}
`, "    skus_file: promo.csv\n", 1)
	path := filepath.Join(dir, "flashdeck.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	want := path + `:36: sales[0].skus_file: promo.csv row 3, column lazada-id: "2O0" is not a number of units`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// skus: and skus_file: together.
	both := strings.Replace(good, "    skus:\n", "    skus_file: promo.csv\n    skus:\n", 1)
	if _, err := Parse(path, []byte(both)); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("skus and skus_file: %v", err)
	}
	// A missing sheet names itself.
	if _, err := Parse(path, []byte(strings.Replace(cfg, "promo.csv", "gone.xlsx", 1))); err == nil || !strings.Contains(err.Error(), "skus_file: gone.xlsx: ") {
		t.Errorf("missing sheet: %v", err)
	}
}
