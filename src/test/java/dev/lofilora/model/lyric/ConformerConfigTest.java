package dev.lofilora.model.lyric;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConformerConfigTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void acestepDefaultsAndGoldenStyleOverrides() throws Exception {
        ConformerConfig base = ConformerConfig.acestep(1024);
        assertEquals(new ConformerConfig(1024, 1024, 16, 4096, 6, 0.1, 0.1, 0.0), base);
        assertEquals(64, base.headDim());
        ConformerConfig tiny = ConformerConfig.acestep(32).withKwargs(
                json("{\"output_size\":32,\"attention_heads\":4,\"linear_units\":64,\"num_blocks\":2}"));
        assertEquals(new ConformerConfig(32, 32, 4, 64, 2, 0.1, 0.1, 0.0), tiny);
        assertSame(base, base.withKwargs(null));
        // a fixed setting at the value this port implements is accepted
        assertEquals(base, base.withKwargs(json("{\"static_chunk_size\":0,\"macaron_style\":false}")));
    }

    @Test
    void refusesSettingsThatDescribeAnotherNetwork() throws Exception {
        ConformerConfig base = ConformerConfig.acestep(1024);
        LofiException unknown = assertThrows(LofiException.class, () -> base.withKwargs(json("{\"num_layers\":3}")));
        assertTrue(unknown.getMessage().contains("num_layers"), unknown.getMessage());
        assertThrows(LofiException.class, () -> base.withKwargs(json("{\"use_cnn_module\":true}")));
        assertThrows(LofiException.class, () -> base.withKwargs(json("{\"output_size\":30}")), "30 % 16 != 0");
        assertThrows(LofiException.class, () -> base.withKwargs(json("{\"num_blocks\":2.5}")));
        assertThrows(LofiException.class, () -> base.withDropout(1.0, 0, 0));
    }
}
