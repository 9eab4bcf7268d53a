# A one-layer Transformer encoder over tokens (input: 32 token ids of a 1,000-word vocabulary,
# 2 classes): embedding, one encoder layer, the mean over the sequence, a linear head; one of
# the families of `benches/families.sh`.
import torch
import torch.nn as nn


class TinyTransformer(nn.Module):
    def __init__(self, vocab_size=1000, d_model=64, nhead=4, dim_feedforward=128, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.encoder = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.0, batch_first=True)
        self.fc = nn.Linear(d_model, num_classes)

    def forward(self, x):
        x = self.embedding(x)
        x = self.encoder(x)
        x = x.mean(dim=1)
        return self.fc(x)
