public import NeuralNet
public import HTTP
public enum ServicePlaceholder {}
