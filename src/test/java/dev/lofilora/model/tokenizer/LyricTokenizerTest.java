package dev.lofilora.model.tokenizer;

import dev.lofilora.SharedFiles;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Lyric ids as ACE-Step builds them (research/acestep.md §2.9): [START] 261, per line [en] 259 + the BPE of the cleaned
 * line with spaces as [SPACE] 2, then the separator [SPACE] 2. Expected ids are written out from the rules and the
 * vocabulary file; an independent BPE reading of the file ({@link ReferenceBpe}) confirms them.
 */
class LyricTokenizerTest {
    @TempDir Path tmp;

    private static Path vocab() {
        return SharedFiles.require("reference/acestep/lyric_vocab.json");
    }

    @Test
    void instrumentalTagsGiveAceStepsIds() {
        try (LyricTokenizer t = LyricTokenizer.load(vocab())) {
            assertEquals(6693, t.vocabSize(), "= the released transformer's lyric_encoder_vocab_size");
            assertEquals(261, t.id("[START]"));
            assertEquals(259, t.id("[en]"));
            assertEquals(2, t.id("[SPACE]"));
            assertEquals(0, t.id("[STOP]"));
            // [inst] is one added token (6688); "[instrumental]" is not in the vocabulary: the brackets are [UNK] (1)
            // and "instrumental" is BPE'd as ins|tru|ment|al
            assertArrayEquals(new long[] {261, 259, 6688, 2}, t.encode("[inst]").ids());
            assertArrayEquals(new long[] {261, 259, 1, 718, 1951, 763, 56, 1, 2}, t.encode("[instrumental]").ids());
            assertEquals("instrumental", t.encode("[instrumental]").language());
            assertArrayEquals(new long[] {261, 259, 6683, 2, 259, 6688, 2, 2}, t.encode("[Verse]\n[inst]\n").ids(),
                    "structure tags lowercased by the cleaner; a trailing newline leaves an empty last line: bare [SPACE]");
        }
    }

    @Test
    void englishLinesFollowTheCleanerAndTheVocabulary() {
        ReferenceBpe ref = new ReferenceBpe(vocab());
        try (LyricTokenizer t = LyricTokenizer.load(vocab())) {
            // "Hello, world!" → "[en]hello,[SPACE]world!" → he|ll|o|,|[SPACE]|wor|ld|!
            long[] hello = t.encode("Hello, world!").ids();
            assertArrayEquals(new long[] {261, 259, 62, 84, 28, 7, 2, 179, 79, 3, 2}, hello);
            assertEquals(ids(ref, "[START]", "[en]hello,[SPACE]world!", "[SPACE]"), asList(hello));

            String lyrics = "[Verse]\nRainy night in the city, lo-fi beats\n\nI've got 2 hearts & 21st dreams\n"
                    + "Dr. Smith paid $5.50 for 3.14 pies";
            List<String> cleaned = List.of("[verse]", "rainy night in the city, lo-fi beats", "",
                    "i've got two hearts and twenty-first dreams",
                    "doctor smith paid five dollars, fifty cents for three point one four pies");
            List<Long> expected = new ArrayList<>(List.of(ref.id("[START]")));
            for (String line : cleaned) {
                if (!line.isEmpty()) expected.addAll(ref.encode("[en]" + line.replace(" ", "[SPACE]")));
                expected.add(ref.id("[SPACE]"));
            }
            LyricTokens r = t.encode(lyrics);
            assertEquals(expected, asList(r.ids()));
            assertEquals("en", r.language());
            assertEquals(List.of(259L, 940L, 2351L, 2L, 832L, 20L, 583L), asList(Arrays.copyOfRange(r.ids(), 4, 11)),
                    "[en] rain|y [SPACE] nigh|t ... as the vocabulary's merges give");
        }
    }

    @Test
    void noLyricsIsTheStopToken() {
        try (LyricTokenizer t = LyricTokenizer.load(vocab())) {
            assertArrayEquals(new long[] {0}, t.encode("  \n ").ids());
            assertArrayEquals(new long[] {0}, t.encode("write a lofi song that genre is chill").ids());
            assertEquals("none", t.encode("").language());
        }
    }

    @Test
    void otherScriptsAreRefusedWithTheLine() {
        try (LyricTokenizer t = LyricTokenizer.load(vocab())) {
            LofiException e = assertThrows(LofiException.class, () -> t.encode("[Intro]\nhello\n我们一起走"));
            assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("Chinese"), e.getMessage());
            assertTrue(assertThrows(LofiException.class, () -> t.encode("사랑해")).getMessage().contains("Korean"));
            assertTrue(assertThrows(LofiException.class, () -> t.encode("こんにちは")).getMessage().contains("Japanese"));
        }
    }

    @Test
    void longLyricsAreCutTo4096Ids() {
        try (LyricTokenizer t = LyricTokenizer.load(vocab())) {
            String line = "la la la la la la la la la la\n";
            long[] ids = t.encode(line.repeat(300)).ids();
            assertEquals(LyricTokenizer.MAX_TOKENS, ids.length);
            assertEquals(261, ids[0]);
        }
    }

    @Test
    void theTinyVocabularyKeepsEveryIdBelowItsSize() {
        try (LyricTokenizer t = LyricTokenizer.fromJson(TinyTokenizers.lyricVocabJson(512), "tiny")) {
            assertEquals(512, t.vocabSize());
            assertEquals(261, t.id("[START]"));
            assertEquals(259, t.id("[en]"));
            StringBuilder all = new StringBuilder("Rainy night, 42 dreams & coffee — naïve café!?\n");
            for (String tag : TinyTokenizers.STRUCTURE_TAGS) all.append(tag).append('\n');
            long[] ids = t.encode(all.toString()).ids();
            for (long id : ids) assertTrue(id >= 0 && id < 512, "id " + id);
            assertEquals(500 + TinyTokenizers.STRUCTURE_TAGS.indexOf("[inst]"), t.encode("[inst]").ids()[2]);
            assertTrue(asList(ids).contains(1L), "characters outside the tiny vocabulary are [UNK]");
        }
    }

    @Test
    void aVocabularyThatDoesNotLoadNamesTheFile() throws Exception {
        Path bad = tmp.resolve("vocab.json");
        Files.writeString(bad, "{\"model\": {\"type\": \"BPE\", \"vocab\": 12}}");
        LofiException e = assertThrows(LofiException.class, () -> LyricTokenizer.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("does not load"), e.getMessage());
        Path missing = tmp.resolve("nope.json");
        assertTrue(assertThrows(LofiException.class, () -> LyricTokenizer.load(missing)).getMessage().contains("does not exist"));
        Path noSpecials = tmp.resolve("plain.json");
        Files.writeString(noSpecials, TinyTokenizers.lyricVocabJson(512).replace("[START]", "[BEGIN]"));
        assertTrue(assertThrows(LofiException.class, () -> LyricTokenizer.load(noSpecials)).getMessage().contains("[START]"));
    }

    private static List<Long> ids(ReferenceBpe ref, String... pieces) {
        List<Long> out = new ArrayList<>();
        for (String p : pieces) out.addAll(ref.encode(p));
        return out;
    }

    private static List<Long> asList(long[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
