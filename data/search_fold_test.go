package data_test

import (
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestSearchFolding checks what a search matches, with the same expectations on either engine
// (FTS5's unicode61 on SQLite, bookcase_fold and a tsvector on PostgreSQL): case and accents
// ignored, in the books and in the search, the letters neither folds by itself (ł, ø, æ, œ, ß, đ,
// ð, þ, ı) replaced, letters past Latin lower-cased, every word a prefix and every word required,
// and punctuation of any script separating words.
func TestSearchFolding(t *testing.T) {
	db := openDB(t)
	books := db.Books()
	owner := addReader(t, db, "reader").ID
	add := func(title, author string) int64 {
		t.Helper()
		return mustCreate(t, books, owner, data.BookInput{Title: title, Author: author}).ID
	}
	lodz := add("Łódź Nights", "Zbigniew Żółw")
	smilla := add("Frøken Smilla", "Peter Høeg")
	aero := add("Ærø Tales", "Anne Æbelø")
	strasse := add("Die Straße", "Ödön von Horváth")
	oeuvres := add("Œuvres complètes", "Þórbergur Þórðarson")
	dorde := add("Đorđe's Journal", "Nobody")
	kadin := add("Kırmızı Saçlı Kadın", "Orhan Pamuk")
	crime := add("ПРЕСТУПЛЕНИЕ И НАКАЗАНИЕ", "Фёдор Достоевский")
	ecole := add("E\u0301cole des femmes", "Molière") // É typed as E and a combining accent
	letters := add("Tolkien’s Letters—Selected", "l'Ami_de_Tolkien")

	for _, tc := range []struct {
		name, search string
		want         []int64
	}{
		{"PolishL", "lodz", []int64{lodz}},
		{"PolishLTyped", "ŁÓDŹ", []int64{lodz}},
		{"AccentsAndDotAbove", "zolw zbig", []int64{lodz}},
		{"DanishO", "froken hoeg", []int64{smilla}},
		{"DanishOTyped", "FRØKEN", []int64{smilla}},
		{"AE", "aero aebel", []int64{aero}},
		{"AETyped", "ÆRØ", []int64{aero}},
		{"SharpS", "strasse", []int64{strasse}},
		{"SharpSTyped", "Straße", []int64{strasse}},
		{"Umlauts", "odon horvath", []int64{strasse}},
		{"OE", "oeuvres complete", []int64{oeuvres}},
		{"ThornAndEth", "thorbergur thordarson", []int64{oeuvres}},
		{"DStroke", "dorde journ", []int64{dorde}},
		{"DotlessI", "kirmizi sacli kadin", []int64{kadin}},
		{"CyrillicCase", "преступ НАКАЗ", []int64{crime}},
		{"CyrillicAuthor", "ДОСТОЕВ", []int64{crime}},
		{"CombiningAccentInBook", "ecole", []int64{ecole}},
		{"CombiningAccentTyped", "e\u0301cole", []int64{ecole}},
		{"AccentTyped", "École MOLIÈRE", []int64{ecole}},
		{"TypographicApostrophe", "tolkien letters", []int64{letters}},
		{"DashSeparates", "selected", []int64{letters}},
		{"UnderscoreSeparates", "ami", []int64{letters}},
		{"Prefix", "stra", []int64{strasse}},
		{"ShortPrefix", "t", []int64{aero, oeuvres, letters}},
		{"EveryWordRequired", "lodz hoeg", nil},
		{"EveryPrefixRequired", "to le", []int64{letters}},
		{"InsideAWordNever", "asse", nil},
		{"TsquerySyntaxIsText", `lodz:* | hoeg & !x 'o''`, nil},
		{"TsquerySyntaxAroundWords", `'lodz' & (nights)`, []int64{lodz}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantFound(t, books, owner, tc.search, tc.want...)
		})
	}
}
