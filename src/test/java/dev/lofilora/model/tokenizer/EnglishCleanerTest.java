package dev.lofilora.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.*;

/** num2words' English wording and ACE-Step's English cleaner (lyric_tokenizer.py multilingual_cleaners). */
class EnglishCleanerTest {
    @Test
    void cardinalsUseNum2wordsAndAndCommaRules() {
        assertEquals("zero", EnglishNumbers.cardinal(0));
        assertEquals("thirteen", EnglishNumbers.cardinal(13));
        assertEquals("twenty-one", EnglishNumbers.cardinal(21));
        assertEquals("one hundred", EnglishNumbers.cardinal(100));
        assertEquals("one hundred and one", EnglishNumbers.cardinal(101));
        assertEquals("one hundred and twenty-three", EnglishNumbers.cardinal(123));
        assertEquals("one thousand and one", EnglishNumbers.cardinal(1001));
        assertEquals("one thousand, one hundred", EnglishNumbers.cardinal(1100));
        assertEquals("two thousand and twenty-four", EnglishNumbers.cardinal(2024));
        assertEquals("one million", EnglishNumbers.cardinal(1_000_000));
        assertEquals("one million, two hundred and thirty-four thousand, five hundred and sixty-seven",
                EnglishNumbers.cardinal(1_234_567));
    }

    @Test
    void ordinalsDecimalsAndCurrency() {
        assertEquals("first", EnglishNumbers.ordinal(BigInteger.ONE));
        assertEquals("twelfth", EnglishNumbers.ordinal(BigInteger.valueOf(12)));
        assertEquals("twentieth", EnglishNumbers.ordinal(BigInteger.valueOf(20)));
        assertEquals("twenty-first", EnglishNumbers.ordinal(BigInteger.valueOf(21)));
        assertEquals("one hundredth", EnglishNumbers.ordinal(BigInteger.valueOf(100)));
        assertEquals("three point one four", EnglishNumbers.decimal("3.14"));
        assertEquals("two", EnglishNumbers.decimal("2.0"));
        assertEquals("zero point zero five", EnglishNumbers.decimal("0.05"));
        assertEquals("five dollars, fifty cents", EnglishNumbers.currency(5.5, "USD"));
        assertEquals("one dollar, one cent", EnglishNumbers.currency(1.01, "USD"));
    }

    @Test
    void cleanerExpandsNumbersAbbreviationsAndSymbols() {
        assertEquals("i said hello", EnglishCleaner.clean("I said \"Hello\""));
        assertEquals("one thousand nights", EnglishCleaner.clean("1,000 nights"));
        assertEquals("five dollars for the doctor", EnglishCleaner.clean("$5 for the Dr."));
        assertEquals("one pound sterling", EnglishCleaner.clean("£1"));
        assertEquals("rock and roll, one hundred percent", EnglishCleaner.clean("rock & roll, 100%"));
        assertEquals("the twenty-first night", EnglishCleaner.clean("the 21st   night "));
        assertEquals("mister brown at home", EnglishCleaner.clean("Mr. Brown @ home"));
    }
}
