public enum NeuralNetPlaceholder {}
