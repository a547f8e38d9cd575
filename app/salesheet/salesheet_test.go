package salesheet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/xuri/excelize/v2"
)

var testOpt = Options{Channels: []string{"lazada-id", "micom-id"}, MaxAllocation: 100_000_000}

func TestParseCSV(t *testing.T) {
	in := "\ufeffFlash Price,sku,LAZADA-ID,Name,micom-id\n" +
		"1999000,POCO-1,10,POCO one,0\n" +
		",,,,\n" + // a blank row says nothing
		"2_499_000.50,POCO-2,0,\"POCO, two\",5\n"
	sh, err := ParseCSV("promo.csv", strings.NewReader(in), testOpt)
	if err != nil {
		t.Fatal(err)
	}
	want := &Sheet{File: "promo.csv", Channels: []string{"lazada-id", "micom-id"}, Rows: []Row{
		{Line: 2, SKU: "POCO-1", Name: "POCO one", FlashPrice: 199900000, Allocated: map[string]int{"lazada-id": 10}},
		{Line: 4, SKU: "POCO-2", Name: "POCO, two", FlashPrice: 249900050, Allocated: map[string]int{"micom-id": 5}},
	}}
	if !reflect.DeepEqual(sh, want) {
		t.Errorf("got  %+v\nwant %+v", sh, want)
	}
	// A semicolon sheet, as a spreadsheet in a comma-decimal locale saves it.
	sh, err = ParseCSV("promo.csv", strings.NewReader("SKU;Flash price;lazada-id\nA;100;1\n"), testOpt)
	if err != nil || len(sh.Rows) != 1 || sh.Rows[0].Allocated["lazada-id"] != 1 {
		t.Errorf("semicolons: %+v, %v", sh, err)
	}
}

// TestMalformed: every broken sheet names its file, row and column.
func TestMalformed(t *testing.T) {
	const head = "SKU,Name,Flash price,lazada-id,micom-id\n"
	for _, tc := range []struct {
		name, csv string
		want      []string
	}{
		{"not a number", head + "A,a,100,1,1\nB,b,100,2O0,1\n", []string{`promo.csv row 3, column lazada-id: "2O0" is not a number of units`}},
		{"fraction", head + "A,a,100,1.5,1\n", []string{`promo.csv row 2, column lazada-id: "1.5" is not a number of units`}},
		{"negative", head + "A,a,100,-3,1\n", []string{`promo.csv row 2, column lazada-id: allocated stock cannot be negative (-3)`}},
		{"too many units", head + "A,a,100,100000001,1\n", []string{`promo.csv row 2, column lazada-id: 100000001 units is more than flashdeck takes for one SKU on one channel (100000000)`}},
		{"empty allocation", head + "A,a,100,,1\n", []string{`promo.csv row 2, column lazada-id: empty: write the units allocated to lazada-id, 0 if the SKU is not sold there`}},
		{"no units anywhere", head + "A,a,100,0,0\n", []string{`promo.csv row 2: no units on any channel: allocate some, or leave the SKU out of the sale`}},
		{"duplicate SKU", head + "A,a,100,1,1\nB,b,100,1,1\nA,a2,100,1,1\n", []string{`promo.csv row 4, column SKU: SKU "A" is listed twice (first on row 2)`}},
		{"no SKU", head + ",a,100,1,1\n", []string{`promo.csv row 2, column SKU: no SKU`}},
		{"bad price", head + "A,a,Rp 1.999.000,1,1\n", []string{`promo.csv row 2, column Flash price: "Rp 1.999.000" is not a price (write it in currency units, e.g. 1999000)`}},
		{"no price", head + "A,a,,1,1\n", []string{`promo.csv row 2, column Flash price: no flash price`}},
		{"unknown channel", "SKU,Flash price,lazada-id,shopee-id\nA,1,1,1\n", []string{`promo.csv row 1, column shopee-id: "shopee-id" is not a configured channel (lazada-id, micom-id), nor SKU, name or flash price`}},
		{"twice the same channel", "SKU,Flash price,lazada-id,Lazada-ID\nA,1,1,1\n", []string{`promo.csv row 1, column Lazada-ID: a second column headed "Lazada-ID" (the first is "lazada-id")`}},
		{"no SKU column", "Name,Flash price,lazada-id\na,1,1\n", []string{`promo.csv row 1: no SKU column (headers are SKU, name, flash price and one column per channel id)`}},
		{"no channel column", "SKU,Flash price\nA,1\n", []string{`promo.csv row 1: no allocation column: head one column per channel with its id (lazada-id, micom-id)`}},
		{"cell without header", "SKU,Flash price,lazada-id\nA,1,1,oops\n", []string{`promo.csv row 2, column D: "oops" is in a column without a header`}},
		{"blank header between", "SKU,,Flash price,lazada-id\nA,x,1,1\n", []string{`promo.csv row 2, column B: "x" is in a column without a header`}},
		{"bad quoting", head + "A,\"a,100,1,1\n", []string{`promo.csv row 2: not CSV at line 2, character 14: extraneous or missing " in quoted-field`}},
		{"empty file", "", []string{`promo.csv: empty: a sale sheet starts with a header row (SKU, name, flash price, one column per channel id)`}},
		{"header only", head, []string{`promo.csv: no SKUs: the sheet has a header and no rows`}},
		{"two problems in one row", head + "A,a,x,y,1\n", []string{
			`promo.csv row 2, column Flash price: "x" is not a price (write it in currency units, e.g. 1999000)`,
			`promo.csv row 2, column lazada-id: "y" is not a number of units`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV("promo.csv", strings.NewReader(tc.csv), testOpt)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("err = %v, want Errors", err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			// The same sheet as a workbook gives the same errors, but for
			// the ones only CSV can have.
			if strings.Contains(tc.name, "quoting") || tc.csv == "" {
				return
			}
			_, err = ParseXLSX("promo.xlsx", bytes.NewReader(xlsxOf(t, tc.csv)), testOpt)
			want := strings.ReplaceAll(strings.Join(tc.want, "\n"), "promo.csv", "promo.xlsx")
			if err == nil || err.Error() != want {
				t.Errorf("xlsx: got\n%v\nwant\n%s", err, want)
			}
		})
	}
}

// xlsxOf writes CSV text as a workbook of text cells.
func xlsxOf(t testing.TB, csvText string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, line := range strings.Split(strings.TrimSuffix(csvText, "\n"), "\n") {
		for j, c := range strings.Split(line, ",") {
			if c == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestManyErrorsAreCut(t *testing.T) {
	var b strings.Builder
	b.WriteString("SKU,Flash price,lazada-id\n")
	for i := range 200 {
		fmt.Fprintf(&b, "S%d,1,x\n", i)
	}
	_, err := ParseCSV("promo.csv", strings.NewReader(b.String()), testOpt)
	var es Errors
	if !errors.As(err, &es) || len(es) != MaxErrors+1 || !strings.Contains(es[MaxErrors].Msg, "more problems") {
		t.Fatalf("got %d errors, want %d and a last one saying more", len(es), MaxErrors+1)
	}
}

// TestWriteRoundTrip: what Write writes, Load reads back the same, in
// both formats; a workbook's gaps between rows keep their row numbers.
func TestWriteRoundTrip(t *testing.T) {
	rows := []Row{
		{Line: 2, SKU: "A", Name: "Ä one, \"quoted\"", FlashPrice: 199900050, Allocated: map[string]int{"lazada-id": 3, "micom-id": 100_000_000}},
		{Line: 3, SKU: "B", Name: "", FlashPrice: 0, Allocated: map[string]int{"micom-id": 1}},
	}
	for _, ext := range []string{".csv", ".xlsx"} {
		path := filepath.Join(t.TempDir(), "sale"+ext)
		if err := Write(path, testOpt.Channels, rows); err != nil {
			t.Fatal(err)
		}
		sh, err := Load(path, testOpt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sh.Rows, rows) {
			t.Errorf("%s: got %+v\nwant %+v", ext, sh.Rows, rows)
		}
	}
	if err := Write(filepath.Join(t.TempDir(), "sale.ods"), nil, rows); err == nil {
		t.Error("wrote an .ods")
	}
	path := filepath.Join(t.TempDir(), "x.txt")
	if err := os.WriteFile(path, []byte("SKU"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, testOpt); err == nil || !strings.Contains(err.Error(), "x.txt: not a sale sheet") {
		t.Errorf("a .txt: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.csv"), testOpt); err == nil || !strings.HasPrefix(err.Error(), "missing.csv: ") {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := ParseXLSX("junk.xlsx", strings.NewReader("PK not a zip"), testOpt); err == nil || !strings.HasPrefix(err.Error(), "junk.xlsx: not an Excel workbook") {
		t.Errorf("junk: %v", err)
	}
}

func TestXLSXRowNumbersSkipGaps(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]any{"A1": "SKU", "B1": "flash price", "C1": "lazada-id", "A2": "A", "B2": 1999000, "C2": 5, "A7": "B", "B7": 10, "C7": "x"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	_, err := ParseXLSX("promo.xlsx", &b, testOpt)
	if want := `promo.xlsx row 7, column lazada-id: "x" is not a number of units`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestParsePrice(t *testing.T) {
	for in, want := range map[string]datasources.Money{"0": 0, "1999000": 199900000, " 1_999_000.5 ": 199900050, "0.01": 1} {
		if got, err := ParsePrice(in); err != nil || got != want {
			t.Errorf("ParsePrice(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1e13", "NaN", "Inf", "Rp 10"} {
		if _, err := ParsePrice(in); err == nil {
			t.Errorf("ParsePrice(%q) took it", in)
		}
	}
}

// launchSheet is a CSV of n rows, the size of the launch promotion.
func launchSheet(n int) []byte {
	var b bytes.Buffer
	b.WriteString("SKU,Name,Flash price,lazada-id,micom-id\n")
	for i := range n {
		fmt.Fprintf(&b, "SKU-%05d,Product %d,%d,%d,%d\n", i, i, 1999000+i, 100+i%50, i%7)
	}
	return b.Bytes()
}

// BenchmarkParse1400: a launch-sized sheet (1,400 SKUs) must load in well
// under a second, in either format.
func BenchmarkParse1400(b *testing.B) {
	csvData := launchSheet(1400)
	sh, err := ParseCSV("b.csv", bytes.NewReader(csvData), testOpt)
	if err != nil {
		b.Fatal(err)
	}
	var x bytes.Buffer
	if err := WriteXLSX(&x, sh.Channels, sh.Rows); err != nil {
		b.Fatal(err)
	}
	b.Run("csv", func(b *testing.B) {
		for b.Loop() {
			if _, err := ParseCSV("b.csv", bytes.NewReader(csvData), testOpt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xlsx", func(b *testing.B) {
		for b.Loop() {
			if _, err := ParseXLSX("b.xlsx", bytes.NewReader(x.Bytes()), testOpt); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzParseCSV: no sheet makes the parser panic, and every error it
// reports names the file.
func FuzzParseCSV(f *testing.F) {
	f.Add(string(launchSheet(3)))
	f.Add("SKU;Flash price;lazada-id\nA;1;1\n")
	f.Add("\ufeffsku,price,MICOM-ID\n\"A\"\"\",1e3,1.0\n")
	f.Add("SKU,Flash price,lazada-id\nA,NaN,Inf\n")
	f.Fuzz(func(t *testing.T, in string) {
		sh, err := ParseCSV("f.csv", strings.NewReader(in), testOpt)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			for _, e := range es {
				if !strings.HasPrefix(e.Error(), "f.csv") {
					t.Fatalf("error without its file: %v", e)
				}
			}
			return
		}
		for _, r := range sh.Rows {
			if r.SKU == "" || len(r.Allocated) == 0 || r.FlashPrice < 0 {
				t.Fatalf("accepted a row it should not: %+v", r)
			}
		}
	})
}

// TestTemplates: the templates in docs/ load, and say the same.
func TestTemplates(t *testing.T) {
	opt := Options{Channels: []string{"lazada-id", "akulaku-id", "micom-id"}, MaxAllocation: 100_000_000}
	csvSheet, err := Load("../../docs/sale-sheet-template.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	xlsxSheet, err := Load("../../docs/sale-sheet-template.xlsx", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(csvSheet.Rows) == 0 || !reflect.DeepEqual(csvSheet.Rows, xlsxSheet.Rows) {
		t.Errorf("the templates differ:\n%+v\n%+v", csvSheet.Rows, xlsxSheet.Rows)
	}
}
