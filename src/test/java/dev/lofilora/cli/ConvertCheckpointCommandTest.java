package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lofi convert-checkpoint}: the golden LAION-style .pt to safetensors, bit-exact, optimizer dropped. */
class ConvertCheckpointCommandTest {
    @TempDir
    Path tmp;

    @Test
    void convertsTheStateDictBitExactlyAndDropsTheRest() throws Exception {
        Path dir = SharedFiles.require("golden/metrics/A/pt_checkpoint");
        Path pt = tmp.resolve("clap.pt");
        Files.copy(dir.resolve("checkpoint.pt"), pt);
        CliRun r = CliRun.of("convert-checkpoint", pt.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        Path out = tmp.resolve("clap.safetensors");
        assertEquals(out.toString(), j.get("output").asText());
        assertEquals("state_dict", j.get("stateDict").asText());
        assertEquals(15, j.at("/values/epoch").asInt());
        try (SafetensorsFile converted = SafetensorsFile.open(out);
             SafetensorsFile expected = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            assertEquals(expected.names().size(), converted.names().size());
            assertEquals(j.get("tensors").asInt(), converted.names().size());
            for (String name : expected.names()) {
                Tensor got = converted.tensor(name);
                if (got.dim() == 0) got = got.reshape(1);
                assertTrue(Tensors.bitIdentical(got, expected.tensor(name)), name);
            }
            assertFalse(converted.names().stream().anyMatch(n -> n.startsWith("module.") || n.contains("exp_avg")));
            assertEquals("15", converted.metadata().get("lofi.pt.epoch"));
        }
    }

    @Test
    void aRefusedOrMissingCheckpointExitsTwo() throws Exception {
        CliRun missing = CliRun.of("convert-checkpoint", tmp.resolve("none.pt").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Path text = tmp.resolve("x.pt");
        Files.writeString(text, "not a checkpoint");
        assertEquals(2, CliRun.of("convert-checkpoint", text.toString()).exit());
        assertFalse(Files.exists(tmp.resolve("x.safetensors")), "nothing half-written");
    }
}
