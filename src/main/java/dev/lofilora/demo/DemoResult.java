package dev.lofilora.demo;

import dev.lofilora.infer.GenerateResult;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lofilora.dataset.curate.ProcessResult;
import dev.lofilora.dataset.layout.DatasetResult;
import dev.lofilora.dataset.prompts.PromptsResult;
import dev.lofilora.preprocess.PreprocessResult;
import dev.lofilora.train.TrainResult;

import java.util.List;

/** The outcome of each stage of {@code lofi demo}, plus the ground truth of every synthesised clip. */
public record DemoResult(@JsonProperty("work_dir") String workDir,
                         @JsonProperty("clips") List<Clip> clips,
                         @JsonProperty("process") ProcessResult process,
                         @JsonProperty("prompts") PromptsResult prompts,
                         @JsonProperty("dataset") DatasetResult dataset,
                         @JsonProperty("preprocess") PreprocessResult preprocess,
                         @JsonProperty("train") TrainResult train,
                         @JsonProperty("generate") GenerateResult generate) {

    /** One synthesised clip and what the synthesiser was asked for (tempo/key ground truth). */
    public record Clip(@JsonProperty("name") String name, @JsonProperty("style") String style,
                       @JsonProperty("labelled") boolean labelled, @JsonProperty("bpm") double bpm,
                       @JsonProperty("key") String key) {}
}
