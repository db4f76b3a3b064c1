// The modules' published vocabulary (their Domain Contracts) as the EF mapping names it (decision 0052).
global using Cms.Domain.Identification.Contracts;
