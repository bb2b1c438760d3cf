package dev.lofilora.dataset.curate;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProcessSettingsTest {
    @TempDir Path dir;

    @Test
    void embeddedConfigIsTheDocumentedDefault() {
        ProcessSettings s = ProcessSettings.load(ConfigFiles.defaults());
        assertEquals(ProcessSettings.defaults(), s);
        assertEquals(-14.0, s.targetLufs());
        assertEquals(-1.0, s.ceilingDbtp());
        assertEquals(OverCeilingPolicy.LIMIT, s.overCeiling());
        assertEquals(OutputFormat.WAV24, s.outputFormat());
        assertEquals(48000, s.sampleRate());
        assertEquals(List.of("CC0-1.0", "CC-BY-*", "CC-BY-SA-*", "own-work"), s.licenses().allowed());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.effectiveThreads());
    }

    @Test
    void aPartialFileOverridesOnlyItsFields() throws IOException {
        Files.writeString(dir.resolve(ProcessSettings.FILE), "{\"process\": {\"over_ceiling\": \"reject\", \"output_format\": \"flac\","
                + " \"threads\": 3}, \"licenses\": {\"grants_training_rights\": [\"LicenseRef-deal\"]}}");
        ProcessSettings s = ProcessSettings.load(ConfigFiles.in(dir));
        assertEquals(OverCeilingPolicy.REJECT, s.overCeiling());
        assertEquals(OutputFormat.FLAC, s.outputFormat());
        assertEquals(3, s.effectiveThreads());
        assertEquals(-14.0, s.targetLufs());
        assertTrue(s.licenses().rejectionReason("LicenseRef-deal").isEmpty());
        assertTrue(s.licenses().rejectionReason("CC-BY-4.0").isEmpty(), "allowed list kept its default");
    }

    @Test
    void badValuesNameTheFileAndField() throws IOException {
        Path f = dir.resolve(ProcessSettings.FILE);
        Files.writeString(f, "{\"process\": {\"over_ceiling\": \"clip\"}}");
        LofiException e = assertThrows(LofiException.class, () -> ProcessSettings.load(ConfigFiles.in(dir)));
        assertEquals(f, e.file());
        assertTrue(e.problem().contains("over_ceiling must be \"limit\" or \"reject\""), e.problem());

        Files.writeString(f, "{\"process\": {\"target_lufz\": -14}}");
        e = assertThrows(LofiException.class, () -> ProcessSettings.load(ConfigFiles.in(dir)));
        assertTrue(e.problem().contains("unknown field \"process.target_lufz\""), e.problem());

        Files.writeString(f, "{\"process\": {\"target_lufs\": 3}}");
        e = assertThrows(LofiException.class, () -> ProcessSettings.load(ConfigFiles.in(dir)));
        assertTrue(e.problem().contains("target_lufs must be between -70 and 0"), e.problem());

        Files.writeString(f, "{\"process\": {\"threads\": 1.5}");
        e = assertThrows(LofiException.class, () -> ProcessSettings.load(ConfigFiles.in(dir)));
        assertTrue(e.problem().contains("is not valid JSON at line 1"), e.problem());
    }
}
