"""Operations (stings), arrests, cases, defendants, charges, court events and outcomes."""
