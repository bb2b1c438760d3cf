package dev.lofilora.metrics.clap;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLAP tokenisation through the HF tokenizers binding: specials, truncation keeping </s>, padding with id 1. */
class ClapTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void addsRobertaSpecialsAndMapsEveryByte() {
        try (ClapTokenizer t = ClapTokenizer.byteLevel(RobertaConfig.BASE)) {
            // <s>=0, then 4 + byte for printable ASCII, </s>=2.
            assertArrayEquals(new long[] {0, 4 + 'l', 4 + 'o', 4 + 'f', 4 + 'i', 2}, t.ids("lofi"));
            // A space is not printable in GPT-2's alphabet: byte 0x20 maps to 256 + 32 ("Ġ"), id 4 + 32 + ... index.
            long[] spaced = t.ids("a b");
            assertEquals(5, spaced.length, "<s> a Ġ b </s> (no merges: one token per byte)");
            assertEquals(2, t.ids("é").length - 2, "é is two UTF-8 bytes");
        }
    }

    @Test
    void truncatesKeepingTheEndTokenAndPadsWithThePadId() {
        try (ClapTokenizer t = ClapTokenizer.byteLevel(RobertaConfig.BASE)) {
            long[] longIds = t.ids("x".repeat(200));
            assertEquals(77, longIds.length);
            assertEquals(0, longIds[0]);
            assertEquals(2, longIds[76]);
            assertEquals(4 + 'x', longIds[75]);
            ClapTokenizer.Batch b = t.batch(List.of("chill", "x".repeat(200)));
            assertArrayEquals(new long[] {2, 77}, Tensors.shape(b.inputIds()));
            long[] ids = Tensors.toLongArray(b.inputIds()), mask = Tensors.toLongArray(b.attentionMask());
            assertEquals(2, ids[6], "</s> after 5 bytes");
            assertEquals(1, ids[7], "pad id 1 (RoBERTa), not HF's default 0");
            assertEquals(1, mask[6]);
            assertEquals(0, mask[7]);
            assertEquals(77, java.util.Arrays.stream(mask, 77, 154).sum(), "the long row is all real tokens");
        }
    }

    @Test
    void readsAUserTokenizerJsonAndRejectsAMissingOne() throws Exception {
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, Json.toString(ClapTokenizer.byteLevelJson()));
        try (ClapTokenizer fromFile = ClapTokenizer.open(file, RobertaConfig.BASE);
             ClapTokenizer builtIn = ClapTokenizer.byteLevel(RobertaConfig.BASE)) {
            assertArrayEquals(builtIn.ids("lofi hip hop, 84 bpm"), fromFile.ids("lofi hip hop, 84 bpm"));
        }
        LofiException e = assertThrows(LofiException.class, () -> ClapTokenizer.open(tmp.resolve("nope.json"), RobertaConfig.BASE));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("roberta-base"), e.getMessage());
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"not\": \"a tokenizer\"}");
        assertTrue(assertThrows(LofiException.class, () -> ClapTokenizer.open(bad, RobertaConfig.BASE)).getMessage()
                .contains("is not a tokenizer.json"));
    }
}
