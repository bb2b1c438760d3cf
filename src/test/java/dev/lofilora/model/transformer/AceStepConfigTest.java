package dev.lofilora.model.transformer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AceStepConfigTest {

    @Test
    void parsesTheRepositoryConfigAndRecomputesWidthFromHeads() {
        AceStepConfig c = AceStepConfig.read(SharedFiles.require("reference/acestep/transformer_config.json"));
        assertEquals("Transformer2DModel", c.className());
        assertEquals("0.27.2", c.diffusersVersion());
        assertEquals(24, c.numLayers());
        assertEquals(2560, c.width());
        assertEquals(6400, c.ffnHidden());
        assertEquals(128, c.finalOut());
        assertEquals(List.of(8, 8), c.sslEncoderDepths());
        assertEquals(List.of("mert", "m-hubert"), c.sslNames());
        assertEquals(List.of(1024, 768), c.sslLatentDims());
        assertEquals(6693, c.lyricEncoderVocabSize());
        assertEquals(1e6, c.ropeTheta());
        assertEquals(1024, c.lyricEncoder().outputSize());
        assertEquals(6, c.lyricEncoder().numBlocks());
        assertEquals(List.of(), c.unknownFields());
    }

    @Test
    void parsesTheHubFieldSetWithItsClassNameAndIgnoresInnerDim(@TempDir Path tmp) throws Exception {
        ObjectNode hub = (ObjectNode) Json.readTree(SharedFiles.require("reference/acestep/transformer_config.json"));
        hub.put("_class_name", "ACEStepTransformer2DModel");
        hub.put("_diffusers_version", "0.32.2");
        hub.put("inner_dim", 999); // ignored by the original: width = heads × head_dim
        Path f = tmp.resolve("config.json");
        Files.writeString(f, Json.toString(hub));
        AceStepConfig c = AceStepConfig.read(f);
        assertEquals("ACEStepTransformer2DModel", c.className());
        assertEquals("0.32.2", c.diffusersVersion());
        assertEquals(999, c.innerDim());
        assertEquals(2560, c.width());
        // Round trip through toJson keeps every value.
        assertEquals(c, AceStepConfig.parse(c.toJson(), null));
    }

    @Test
    void goldenConfigCarriesTheLyricEncoderSizes() {
        AceStepConfig c = AceStepConfig.read(SharedFiles.require("golden/acestep/A/config.json"));
        assertEquals(64, c.width());
        assertEquals(160, c.ffnHidden());
        assertEquals(Map.of("output_size", 32, "attention_heads", 4, "linear_units", 64, "num_blocks", 2),
                c.lyricEncoderKwargs());
        assertEquals(4, c.lyricEncoder().attentionHeads());
        assertEquals(2, c.lyricEncoder().numBlocks());
    }

    @Test
    void absentFieldsTakeTheOriginalConstructorDefaultsAndUnknownOnesAreListed() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("num_layers", 2);
        o.put("future_field", true);
        AceStepConfig c = AceStepConfig.parse(o, null);
        assertEquals(24 * 64, c.width());
        assertEquals(4.0, c.mlpRatio());
        assertEquals(6681, c.lyricEncoderVocabSize());
        assertEquals(List.of(9, 9), c.sslEncoderDepths());
        assertEquals(List.of("future_field"), c.unknownFields());
    }

    @Test
    void rejectsOtherModelsAndBadFieldsNamingThem(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"_class_name\": \"AutoencoderDC\"}");
        LofiException e = assertThrows(LofiException.class, () -> AceStepConfig.read(f));
        assertTrue(e.getMessage().contains("AutoencoderDC") && e.getMessage().contains(f.toString()), e.getMessage());
        Files.writeString(f, "{\"num_layers\": \"three\"}");
        e = assertThrows(LofiException.class, () -> AceStepConfig.read(f));
        assertTrue(e.getMessage().contains("num_layers"), e.getMessage());
        Files.writeString(f, "{\"attention_head_dim\": 15}");
        e = assertThrows(LofiException.class, () -> AceStepConfig.read(f));
        assertTrue(e.getMessage().contains("even"), e.getMessage());
        assertThrows(LofiException.class, () -> AceStepConfig.read(tmp.resolve("missing.json")));
    }
}
